package io.uraid.core.report;

import io.uraid.core.array.MemberState;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Text laid out like {@code /proc/mdstat}: the personalities line, one stanza per array
 * ({@code name : active raid10 loop3[3] loop1[1](F) ...} then the blocks line with the level's
 * own status, e.g. {@code 512K chunks 2 near-copies [4/3] [U_UU]}), and the unused-devices line.
 */
public final class MdstatFormatter {

    private MdstatFormatter() {
    }

    public static String format(List<ArrayStatus> arrays) {
        StringBuilder o = new StringBuilder("Personalities : ");
        TreeSet<String> personalities = new TreeSet<>();
        arrays.forEach(a -> personalities.add(a.levelName()));
        personalities.forEach(p -> o.append('[').append(p).append("] "));
        o.append('\n');
        for (ArrayStatus a : arrays) {
            stanza(o, a);
        }
        o.append("unused devices: <none>\n");
        return o.toString();
    }

    private static void stanza(StringBuilder o, ArrayStatus a) {
        o.append(a.device()).append(" : ").append(a.running() ? "active" : "inactive").append(' ')
                .append(a.levelName());
        for (int i = a.spares().size() - 1; i >= 0; i--) { // added after the members: listed first
            SpareStatus sp = a.spares().get(i);
            Path p = Path.of(sp.path()).getFileName();
            o.append(' ').append(p == null ? sp.path() : p.toString()).append('[').append(sp.number()).append("](S)");
        }
        List<MemberStatus> ms = a.members();
        for (int i = ms.size() - 1; i >= 0; i--) { // md lists the most recently added first
            MemberStatus m = ms.get(i);
            if (m.path() == null) {
                continue;
            }
            Path p = Path.of(m.path()).getFileName();
            o.append(' ').append(p == null ? m.path() : p.toString()).append('[').append(m.number()).append(']');
            if (m.state() == MemberState.FAULTY) {
                o.append("(F)");
            }
        }
        o.append('\n');
        o.append("      ").append(a.arrayBytes() >> 10).append(" blocks");
        if (a.uuid() != null) {
            o.append(" super 1.2");
        }
        o.append(levelStatus(a)).append('\n').append('\n');
    }

    /** What the personality's status method prints after the blocks. */
    static String levelStatus(ArrayStatus a) {
        int chunkK = a.chunkBytes() / 1024;
        switch (a.level()) {
            case -1:
                return " " + chunkK + "k rounding";
            case 0:
                return " " + chunkK + "k chunks";
            case 1:
                return " " + slots(a);
            case 10: {
                int near = a.layout() & 0xff;
                int far = (a.layout() >> 8) & 0xff;
                StringBuilder b = new StringBuilder(" ").append(chunkK).append("K chunks");
                if (near > 1) {
                    b.append(' ').append(near).append(" near-copies");
                }
                if (far > 1) {
                    b.append(' ').append(far).append((a.layout() & 0x10000) != 0 ? " offset-copies" : " far-copies");
                }
                return b.append(' ').append(slots(a)).toString();
            }
            default:
                return "";
        }
    }

    /** "[4/3] [U_UU]". */
    private static String slots(ArrayStatus a) {
        StringBuilder b = new StringBuilder("[").append(a.raidDevices()).append('/').append(a.working()).append("] [");
        for (MemberStatus m : a.members()) {
            b.append(m.state().statusLetter());
        }
        return b.append(']').toString();
    }
}
