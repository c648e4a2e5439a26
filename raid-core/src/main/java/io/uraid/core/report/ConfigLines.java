package io.uraid.core.report;

import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * mdadm.conf lines that describe arrays, as {@code mdadm --detail --scan --verbose} and
 * {@code mdadm --examine --scan --verbose} print them and as uraid's daemon config reads them:
 *
 * <pre>
 * DEVICE /srv/raid/m0.img /srv/raid/m1.img
 * ARRAY /dev/md/data metadata=1.2 name=host:data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c
 *    devices=/srv/raid/m0.img,/srv/raid/m1.img
 * </pre>
 *
 * A {@code DEVICE} line comes first when members are plain files: mdadm finds members by
 * scanning block devices, which never include files, so it must be told where they are.
 */
public final class ConfigLines {

    /** One array: the name the config assembles it as, its identity, its spares, its devices. */
    public record Array(String name, String setName, String uuid, int spares, List<String> devices) {
        public Array {
            devices = List.copyOf(devices);
        }
    }

    private ConfigLines() {
    }

    /** The DEVICE line (files among the arrays' devices, if any) and one ARRAY line per array. */
    public static String format(List<Array> arrays) {
        StringBuilder o = new StringBuilder();
        Set<String> files = new LinkedHashSet<>();
        for (Array a : arrays) {
            for (String d : a.devices()) {
                if (Files.isRegularFile(Path.of(d))) {
                    files.add(d);
                }
            }
        }
        if (!files.isEmpty()) {
            o.append("DEVICE ").append(String.join(" ", files)).append('\n');
        }
        for (Array a : arrays) {
            o.append("ARRAY /dev/md/").append(a.name()).append(" metadata=1.2");
            if (a.spares() > 0) {
                o.append(" spares=").append(a.spares());
            }
            o.append(" name=").append(a.setName()).append(" UUID=").append(a.uuid()).append('\n');
            if (!a.devices().isEmpty()) {
                o.append("   devices=").append(String.join(",", a.devices())).append('\n');
            }
        }
        return o.toString();
    }

    /** The lines of a running array, named {@code name} (the daemon's export name). */
    public static Array of(String name, ArrayStatus s) {
        List<String> devices = new ArrayList<>();
        for (MemberStatus m : s.members()) {
            if (m.path() != null && m.state() != io.uraid.core.array.MemberState.FAULTY) {
                devices.add(m.path());
            }
        }
        s.replacements().forEach(r -> devices.add(r.path()));
        s.spares().forEach(sp -> devices.add(sp.path()));
        return new Array(name, s.setName(), s.uuid(), s.spares().size(), devices);
    }

    /**
     * Arrays found in the v1.x superblocks of {@code devices} (those without one are passed
     * over), grouped by array UUID in the order first seen; each is named by the part of its
     * set name after "host:". Spares are the devices whose superblock says spare.
     */
    public static List<Array> scan(List<Path> devices) {
        Map<String, List<Path>> byUuid = new LinkedHashMap<>();
        Map<String, MdSuperblock> newest = new LinkedHashMap<>();
        Map<String, Integer> spares = new LinkedHashMap<>();
        for (Path d : devices) {
            MdSuperblock sb;
            try {
                sb = MemberExaminer.readV1(d);
            } catch (IOException | RuntimeException e) {
                continue; // unreadable, or not a member: mdadm -Es passes over it too
            }
            if (sb == null) {
                continue;
            }
            String uuid = MdUuid.format(sb.setUuid());
            byUuid.computeIfAbsent(uuid, u -> new ArrayList<>()).add(d);
            newest.merge(uuid, sb, (a, b) -> Long.compareUnsigned(b.events(), a.events()) > 0 ? b : a);
            spares.merge(uuid, sb.role() == MdConstants.ROLE_SPARE ? 1 : 0, Integer::sum);
        }
        List<Array> out = new ArrayList<>();
        for (var e : byUuid.entrySet()) {
            String setName = newest.get(e.getKey()).setName();
            String name = setName.substring(setName.indexOf(':') + 1);
            out.add(new Array(name.isEmpty() ? e.getKey().replace(':', '-') : name, setName, e.getKey(),
                    spares.get(e.getKey()), e.getValue().stream().map(Path::toString).toList()));
        }
        return out;
    }

    /** The block devices this host lists in /proc/partitions, as mdadm's default "DEVICE partitions". */
    public static List<Path> partitions() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/partitions"))) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 4 && w[0].matches("\\d+")) {
                out.add(Path.of("/dev", w[3]));
            }
        }
        return out;
    }
}
