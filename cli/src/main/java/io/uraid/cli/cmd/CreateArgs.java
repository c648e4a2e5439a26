package io.uraid.cli.cmd;

import java.util.Locale;

/** Parsing of mdadm-style create arguments: chunk sizes and raid10 layouts. */
final class CreateArgs {
    private CreateArgs() {
    }

    /** mdadm's --chunk: a plain number is KiB; K/M/G suffixes allowed. Returns bytes. */
    static int chunkBytes(String text) {
        return sizeBytes(text, "--chunk");
    }

    /** A power-of-two size between 4K and 1G given to {@code option}, mdadm-style (plain number = KiB). */
    static int sizeBytes(String text, String option) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long mult = 1024;
        if (t.endsWith("K")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("M")) {
            mult = 1L << 20;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("G")) {
            mult = 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        long bytes;
        try {
            bytes = Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + text + "' (examples: 64, 64K, 512K, 1M)");
        }
        if (bytes < 4096 || bytes > (1L << 30) || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("invalid " + option + " '" + text
                    + "': must be a power of two between 4K and 1G");
        }
        return (int) bytes;
    }

    /**
     * raid0 layout names as mdadm spells them: original (1, mdadm's default) or alternate (2).
     * They differ only when members of different sizes make several zones.
     */
    static int raid0Layout(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "original":
                return 1;
            case "alternate":
                return 2;
            default:
                throw new IllegalArgumentException("invalid --layout '" + text + "' for raid0 (use original or alternate)");
        }
    }

    /** raid10 layout names n2, f2, o2 (any copy count 2..9) as md's layout word. */
    static int raid10Layout(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.length() == 2 && "nfo".indexOf(t.charAt(0)) >= 0 && t.charAt(1) >= '2' && t.charAt(1) <= '9') {
            int copies = t.charAt(1) - '0';
            switch (t.charAt(0)) {
                case 'n':
                    return 0x100 | copies;
                case 'f':
                    return (copies << 8) | 1;
                default:
                    return 0x10000 | (copies << 8) | 1;
            }
        }
        throw new IllegalArgumentException("invalid --layout '" + text + "' for raid10 (use n2, f2 or o2)");
    }

    /**
     * md's devflags per device, in the order of {@code devices}: write-mostly for those named by
     * {@code --write-mostly}, failfast for those named by {@code --failfast}. A named device that
     * is not a member (or is "missing") is a usage error.
     */
    static java.util.List<Integer> devflags(java.util.List<java.nio.file.Path> devices,
                                            java.util.List<java.nio.file.Path> writeMostly,
                                            java.util.List<java.nio.file.Path> failfast) {
        for (java.nio.file.Path p : concat(writeMostly, failfast)) {
            if (!devices.contains(p) || io.uraid.core.assembly.CreateSpec.MISSING.equals(p)) {
                throw new IllegalArgumentException("--write-mostly/--failfast " + p + ": not one of the devices given");
            }
        }
        java.util.List<Integer> flags = new java.util.ArrayList<>();
        for (java.nio.file.Path d : devices) {
            flags.add((writeMostly.contains(d) ? io.uraid.core.sb.MdConstants.DEVFLAG_WRITE_MOSTLY : 0)
                    | (failfast.contains(d) ? io.uraid.core.sb.MdConstants.DEVFLAG_FAILFAST : 0));
        }
        return flags;
    }

    private static java.util.List<java.nio.file.Path> concat(java.util.List<java.nio.file.Path> a,
                                                             java.util.List<java.nio.file.Path> b) {
        java.util.List<java.nio.file.Path> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
