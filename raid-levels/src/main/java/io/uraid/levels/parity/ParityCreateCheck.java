package io.uraid.levels.parity;

import java.util.Locale;

/**
 * What {@code mdadm --create} refuses for raid4, raid5 and raid6, checked before anything is
 * opened or written: too few members, an unknown layout name, a chunk that is not a power of
 * two of at least 4 KiB, and the partial parity log where md cannot have it. Each refusal is
 * an {@link IllegalArgumentException} with a one-line reason.
 */
public final class ParityCreateCheck {
    /** Most raid devices md's PPL supports (one flush bit per disk in a 64-bit word). */
    public static final int PPL_MAX_DISKS = 64;

    private ParityCreateCheck() {
    }

    /** md level number for mdadm's names of the parity levels (raid4, 4, raid5, 5, raid6, 6), or 0. */
    public static int parityLevel(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "raid4", "4" -> 4;
            case "raid5", "5" -> 5;
            case "raid6", "6" -> 6;
            default -> 0;
        };
    }

    /**
     * Checks a create request and returns the md layout word it stands for.
     *
     * @param level      4, 5 or 6
     * @param raidDisks  raid devices asked for
     * @param layoutName {@code --layout}, or null for mdadm's default
     * @param chunkBytes chunk in bytes, 0 for mdadm's default (512 KiB)
     * @param ppl        {@code --consistency-policy=ppl} asked for
     * @param bitmap     an internal bitmap asked for explicitly
     */
    public static int check(int level, int raidDisks, String layoutName, int chunkBytes, boolean ppl, boolean bitmap) {
        if (level != 4 && level != 5 && level != 6) {
            throw new IllegalArgumentException("not a parity level: " + level);
        }
        int min = ParityLayout.minDisks(level);
        if (raidDisks < min) {
            throw new IllegalArgumentException("raid" + level + " needs at least " + min + " raid devices, got "
                    + raidDisks);
        }
        int word;
        if (level == 4) {
            if (layoutName != null) {
                throw new IllegalArgumentException("--layout is not meaningful for raid4 (parity is always the last disk)");
            }
            word = 0; // what mdadm writes for raid4
        } else {
            word = layoutName == null ? ParityAlgorithm.DEFAULT.word() : ParityAlgorithm.parse(level, layoutName);
        }
        if (chunkBytes != 0 && (chunkBytes < 4096 || Integer.bitCount(chunkBytes) != 1)) {
            throw new IllegalArgumentException("raid" + level + " chunk must be a power of two of at least 4K: "
                    + chunkBytes + " bytes");
        }
        if (ppl) {
            if (level != 5) {
                throw new IllegalArgumentException("--consistency-policy=ppl is for raid5 only, not raid" + level);
            }
            if (bitmap) {
                throw new IllegalArgumentException("--consistency-policy=ppl cannot be combined with a write-intent bitmap");
            }
            if (raidDisks > PPL_MAX_DISKS) {
                throw new IllegalArgumentException("--consistency-policy=ppl supports at most " + PPL_MAX_DISKS
                        + " raid devices, got " + raidDisks);
            }
        }
        return word;
    }
}
