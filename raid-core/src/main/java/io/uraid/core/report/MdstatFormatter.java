package io.uraid.core.report;

import io.uraid.core.array.MemberState;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.remote.DevicePaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Text laid out like {@code /proc/mdstat}, line for line as the kernel's md driver prints it: the
 * personalities line, one stanza per array ({@code name : active raid10 loop3[3] loop1[1](F) ...},
 * the blocks line with the level's own status, e.g. {@code 512K chunks 2 near-copies [4/3] [U_UU]},
 * the progress line of a running resync/recovery/check, the bitmap line, each stanza closed as
 * md closes it), and the unused-devices line. Nothing that md keeps elsewhere (mismatch_cnt
 * lives in sysfs) goes in here, so tools that parse /proc/mdstat parse this.
 */
public final class MdstatFormatter {
    private static final int BAR = 20;

    private MdstatFormatter() {
    }

    public static String format(List<ArrayStatus> arrays) {
        return format(arrays, java.util.Set.of());
    }

    /** As {@link #format(List)}; the arrays named in {@code readOnly} show md's "active (read-only)". */
    public static String format(List<ArrayStatus> arrays, java.util.Set<String> readOnly) {
        StringBuilder o = new StringBuilder("Personalities : ");
        personalities(arrays).forEach(p -> o.append('[').append(p).append("] "));
        o.append('\n');
        for (ArrayStatus a : arrays) {
            stanza(o, a, readOnly.contains(a.device()));
        }
        o.append("unused devices: <none>\n");
        return o.toString();
    }

    /**
     * The kernel lists the personalities it has loaded, not those in use: here every level uraid
     * has, and any an array shows, in the order the kernel registers md's modules (linear, raid0,
     * raid1, raid10, then raid456's raid6, raid5, raid4).
     */
    static List<String> personalities(List<ArrayStatus> arrays) {
        java.util.Map<String, Integer> byName = new java.util.HashMap<>();
        for (RaidLevel l : LevelRegistry.all()) {
            byName.put(l.name(), l.mdLevel());
        }
        for (ArrayStatus a : arrays) {
            byName.put(a.levelName(), a.level());
        }
        List<Integer> order = List.of(-1, 0, 1, 10, 6, 5, 4);
        return byName.entrySet().stream().sorted(java.util.Comparator.comparingInt(
                (java.util.Map.Entry<String, Integer> e) -> order.contains(e.getValue()) ? order.indexOf(e.getValue())
                        : order.size()).thenComparing(java.util.Map.Entry::getKey))
                .map(java.util.Map.Entry::getKey).toList();
    }

    private static void stanza(StringBuilder o, ArrayStatus a, boolean readOnly) {
        o.append(a.device()).append(" : ").append(a.running() ? "active" : "inactive")
                .append(readOnly ? " (read-only) " : " ").append(a.levelName());
        // md lists the devices most recently bound first: spares and replacements came last.
        for (int i = a.replacements().size() - 1; i >= 0; i--) {
            MemberStatus r = a.replacements().get(i);
            device(o, r.path(), r.number(), r.writeMostly());
            o.append(r.state() == MemberState.FAULTY ? "(F)" : "(R)");
        }
        for (int i = a.spares().size() - 1; i >= 0; i--) {
            SpareStatus sp = a.spares().get(i);
            device(o, sp.path(), sp.number(), false);
            o.append("(S)");
        }
        List<MemberStatus> ms = a.members();
        for (int pass = 0; pass < 2; pass++) { // most recently added first: faulty leftovers of a role last
            for (int i = ms.size() - 1; i >= 0; i--) {
                MemberStatus m = ms.get(i);
                if (m.path() == null || (m.role() < 0) != (pass == 1)) {
                    continue;
                }
                device(o, m.path(), m.number(), m.writeMostly());
                if (m.state() == MemberState.FAULTY) {
                    o.append("(F)");
                }
            }
        }
        o.append('\n');
        o.append("      ").append(a.arrayBytes() >> 10).append(" blocks");
        if (a.uuid() != null) {
            o.append(" super 1.2");
        }
        o.append(levelStatus(a));
        // The kernel ends the blocks line with "\n      ", then the progress line (if any) the
        // same way, then the bitmap line (ending "\n") and one more "\n": a stanza without a
        // bitmap therefore ends on a line of six spaces.
        o.append("\n      ");
        if (a.sync() != null && a.sync().running()) {
            progress(o, a.sync());
            o.append("\n      ");
        }
        ArrayStatus.BitmapPages b = a.bitmapPages();
        if (b != null) {
            o.append(String.format(Locale.ROOT, "bitmap: %d/%d pages [%dKB], %dKB chunk%n", b.pagesInUse(), b.pages(),
                    b.pagesInUse() * 4, b.chunkBytes() >> 10).replace(System.lineSeparator(), "\n"));
        }
        o.append('\n');
    }

    private static void device(StringBuilder o, String path, int number, boolean writeMostly) {
        Path p = DevicePaths.of(path).getFileName(); // a remote member: its whole URI
        o.append(' ').append(p == null ? path : p.toString()).append('[').append(number).append(']');
        if (writeMostly) {
            o.append("(W)");
        }
    }

    /**
     * The kernel's progress line: a bar of 21 characters, "resync", "recovery" or "check" (md
     * shows a repair as a resync), per-mille done truncated to one decimal, KiB done/total,
     * minutes left in tenths, speed.
     */
    static void progress(StringBuilder o, SyncStatus s) {
        long total = Math.max(1, s.totalBytes());
        long perMille = Math.min(1000, s.doneBytes() * 1000 / total);
        int filled = (int) (perMille / 50);
        o.append('[').append("=".repeat(filled)).append('>').append(".".repeat(BAR - filled)).append("] ");
        long eta = Math.max(0, s.etaSeconds());
        o.append(String.format(Locale.ROOT, " %s =%3d.%d%% (%d/%d) finish=%d.%dmin speed=%dK/sec", name(s.action()),
                perMille / 10, perMille % 10, s.doneBytes() >> 10, s.totalBytes() >> 10, eta / 60, eta % 60 / 6,
                s.bytesPerSecond() >> 10));
    }

    private static String name(SyncAction a) {
        return switch (a) {
            case RECOVER -> "recovery";
            case CHECK -> "check";
            default -> "resync"; // resync and repair (md's MD_RECOVERY_SYNC without CHECK)
        };
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
            case 4:
            case 5:
            case 6: // the kernel's raid5_status
                return " level " + a.level() + ", " + chunkK + "k chunk, algorithm " + a.layout() + " " + slots(a);
            case 10: {
                String copies = io.uraid.core.spi.Raid10Word.decode(a.layout()).mdstatCopies();
                return " " + chunkK + "K chunks" + (copies.isEmpty() ? "" : " " + copies) + " " + slots(a);
            }
            default:
                return "";
        }
    }

    /** "[4/3] [U_UU]". */
    private static String slots(ArrayStatus a) {
        StringBuilder b = new StringBuilder("[").append(a.raidDevices()).append('/').append(a.working()).append("] [");
        for (MemberStatus m : a.members()) {
            if (m.role() < 0) {
                continue; // a faulty device that left its role holds no slot
            }
            b.append(m.state().statusLetter());
        }
        return b.append(']').toString();
    }
}
