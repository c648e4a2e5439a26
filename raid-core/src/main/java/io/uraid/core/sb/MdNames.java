package io.uraid.core.sb;

import java.util.Locale;

/**
 * The names and number formats mdadm 4.2 prints (maps.c {@code pers}, {@code r5layout},
 * {@code r6layout}, {@code r0layout}; util.c {@code human_size}, {@code print_r10_layout}).
 * Kept byte-identical so examine output can be compared with mdadm's.
 */
public final class MdNames {

    private MdNames() {
    }

    /** First name mdadm maps a level to, or null ("-unknown-" in its output). */
    public static String level(int level) {
        return switch (level) {
            case MdConstants.LEVEL_LINEAR -> "linear";
            case 0 -> "raid0";
            case 1 -> "raid1";
            case 4 -> "raid4";
            case 5 -> "raid5";
            case 6 -> "raid6";
            case 10 -> "raid10";
            case MdConstants.LEVEL_MULTIPATH -> "multipath";
            case MdConstants.LEVEL_FAULTY -> "faulty";
            case MdConstants.LEVEL_CONTAINER -> "container";
            default -> null;
        };
    }

    /** raid5 algorithm name (first match in mdadm's r5layout), or null. */
    public static String raid5Layout(int layout) {
        return switch (layout) {
            case 0 -> "left-asymmetric";
            case 1 -> "right-asymmetric";
            case 2 -> "left-symmetric";
            case 3 -> "right-symmetric";
            case 4 -> "parity-first";
            case 5 -> "parity-last";
            default -> null;
        };
    }

    /** raid6 algorithm name (first match in mdadm's r6layout), or null. */
    public static String raid6Layout(int layout) {
        return switch (layout) {
            case 8 -> "ddf-zero-restart";
            case 9 -> "ddf-N-restart";
            case 10 -> "ddf-N-continue";
            case 16 -> "left-asymmetric-6";
            case 17 -> "right-asymmetric-6";
            case 18 -> "left-symmetric-6";
            case 19 -> "right-symmetric-6";
            case 20 -> "parity-first-6";
            default -> raid5Layout(layout);
        };
    }

    /** raid0 layout name (mdadm's r0layout), or null. */
    public static String raid0Layout(int layout) {
        return switch (layout) {
            case 1 -> "original";
            case 2 -> "alternate";
            case 0 -> "dangerous";
            default -> null;
        };
    }

    /**
     * raid10 layout as print_r10_layout writes it after "Layout :" — note the leading space:
     * 0x102 gives " near=2", 0x201 " far=2", 0x10201 " offset=2", 0x202 " near=2, far=2".
     */
    public static String raid10Layout(int layout) {
        return io.uraid.core.spi.Raid10Word.decode(layout).mdadmName();
    }

    /** Data disks for the "Array Size" line: numerator and denominator as mdadm's examine uses them. */
    static long[] dataDisks(int level, int raidDisks, int layout) {
        return switch (level) {
            case 1 -> new long[] {1, 1};
            case 4, 5 -> new long[] {raidDisks - 1, 1};
            case 6 -> new long[] {raidDisks - 2, 1};
            case 10 -> new long[] {raidDisks, io.uraid.core.spi.Raid10Word.decode(layout).copies()};
            default -> new long[] {0, 1};
        };
    }

    /**
     * mdadm's human_size: "" below 5000 KiB, else " (x.yy MiB x.yy MB)" (GiB/GB from 2 GiB,
     * TiB/TB from 2 TiB), rounded half up in hundredths.
     */
    public static String humanSize(long bytes) {
        if (bytes < 5000 * 1024L) {
            return "";
        }
        if (bytes < (2L << 30)) {
            return pair(bytes, 1L << 20, 1_000_000L, "MiB", "MB");
        }
        if (bytes < (2L << 40)) {
            return pair(bytes, 1L << 30, 1_000_000_000L, "GiB", "GB");
        }
        return pair(bytes, 1L << 40, 1_000_000_000_000L, "TiB", "TB");
    }

    private static String pair(long bytes, long bin, long dec, String binName, String decName) {
        // Same integer steps as mdadm: centi-units computed as (x*200/unit + 1) / 2.
        long cBin = (bytes * 200L / bin + 1) / 2;
        long cDec = (bytes / (dec / 200L) + 1) / 2;
        return String.format(Locale.ROOT, " (%d.%02d %s %d.%02d %s)",
                cBin / 100, cBin % 100, binName, cDec / 100, cDec % 100, decName);
    }
}
