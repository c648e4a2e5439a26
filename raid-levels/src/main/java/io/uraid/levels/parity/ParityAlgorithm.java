package io.uraid.levels.parity;

import java.util.Locale;

/**
 * The md raid4/5/6 layout words ({@code ALGORITHM_*}) with the names mdadm prints for them.
 *
 * <p>Where P (and Q) sit in each stripe, and the order of the data chunks around them, is
 * computed by {@link ParityLayout}; this type only names the word and says which levels accept
 * it. RAID4 always puts parity on the last disk whatever its word says (mdadm writes 0).
 */
public enum ParityAlgorithm {
    LEFT_ASYMMETRIC(0, "left-asymmetric", false),
    RIGHT_ASYMMETRIC(1, "right-asymmetric", false),
    LEFT_SYMMETRIC(2, "left-symmetric", false),
    RIGHT_SYMMETRIC(3, "right-symmetric", false),
    PARITY_FIRST(4, "parity-first", false),
    PARITY_LAST(5, "parity-last", false),
    /** DDF "rotating parity 0 with data restart": placed as right-asymmetric, Q over physical slots. */
    DDF_ZERO_RESTART(8, "ddf-zero-restart", true),
    /** DDF "rotating parity N with data restart": left-asymmetric shifted by one stripe. */
    DDF_N_RESTART(9, "ddf-N-restart", true),
    /** DDF "rotating parity N with data continuation": left-symmetric with Q before P. */
    DDF_N_CONTINUE(10, "ddf-N-continue", true),
    /** The raid5 layout of the same name over the first n-1 disks, Q on the last (5 -> 6 conversion). */
    LEFT_ASYMMETRIC_6(16, "left-asymmetric-6", true),
    RIGHT_ASYMMETRIC_6(17, "right-asymmetric-6", true),
    LEFT_SYMMETRIC_6(18, "left-symmetric-6", true),
    RIGHT_SYMMETRIC_6(19, "right-symmetric-6", true),
    PARITY_FIRST_6(20, "parity-first-6", true);

    /** mdadm's default for raid5 and raid6. */
    public static final ParityAlgorithm DEFAULT = LEFT_SYMMETRIC;

    private final int word;
    private final String mdadmName;
    private final boolean raid6Only;

    ParityAlgorithm(int word, String mdadmName, boolean raid6Only) {
        this.word = word;
        this.mdadmName = mdadmName;
        this.raid6Only = raid6Only;
    }

    /** The md layout word stored in the superblock. */
    public int word() {
        return word;
    }

    /** The name mdadm prints for this word ({@code mdadm -E} "Layout :"). */
    public String mdadmName() {
        return mdadmName;
    }

    /** True for the words only raid6 accepts (DDF and the {@code *-6} family). */
    public boolean raid6Only() {
        return raid6Only;
    }

    /** True for the DDF layouts: their Q uses every disk's physical index as its coefficient. */
    public boolean ddf() {
        return word >= 8 && word <= 10;
    }

    /** True for the {@code *-6} layouts: raid5 placement over n-1 disks, Q fixed on the last. */
    public boolean qOnLastDisk() {
        return word >= 16;
    }

    /**
     * The algorithm of layout word {@code word} at md level {@code level} (4, 5 or 6).
     *
     * @throws IllegalArgumentException when the level does not accept the word
     */
    public static ParityAlgorithm fromWord(int level, int word) {
        if (level == 4) {
            return PARITY_LAST; // raid4 ignores the word: parity is always the last disk
        }
        for (ParityAlgorithm a : values()) {
            if (a.word == word && (level == 6 || !a.raid6Only)) {
                return a;
            }
        }
        throw new IllegalArgumentException("layout " + word + " is not a raid" + level + " layout");
    }

    /**
     * The layout word mdadm's {@code --layout NAME} gives at {@code level} (5 or 6): the names
     * above plus mdadm's aliases {@code default}, {@code la}, {@code ra}, {@code ls},
     * {@code rs}; for raid5 the DDF names stand for the plain layouts they match. Case is
     * ignored.
     *
     * @throws IllegalArgumentException with a one-line reason when the name is unknown
     */
    public static int parse(int level, String name) {
        if (level != 5 && level != 6) {
            throw new IllegalArgumentException("--layout is not meaningful for raid" + level);
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "default":
            case "ls":
                return LEFT_SYMMETRIC.word;
            case "la":
                return LEFT_ASYMMETRIC.word;
            case "ra":
                return RIGHT_ASYMMETRIC.word;
            case "rs":
                return RIGHT_SYMMETRIC.word;
            default:
                break;
        }
        for (ParityAlgorithm a : values()) {
            if (a.mdadmName.toLowerCase(Locale.ROOT).equals(n)) {
                if (level == 6 || !a.raid6Only) {
                    return a.word;
                }
                if (a.ddf()) {
                    // mdadm's r5layout: a raid5 DDF layout is the plain one it places like.
                    return a == DDF_ZERO_RESTART ? RIGHT_ASYMMETRIC.word
                            : a == DDF_N_RESTART ? LEFT_ASYMMETRIC.word : LEFT_SYMMETRIC.word;
                }
            }
        }
        throw new IllegalArgumentException("unknown raid" + level + " layout '" + name + "'; valid: " + names(level));
    }

    /** The names {@link #parse} accepts at {@code level}, comma separated. */
    public static String names(int level) {
        StringBuilder s = new StringBuilder();
        for (ParityAlgorithm a : values()) {
            if (level == 6 || !a.raid6Only || a.ddf()) {
                s.append(s.length() == 0 ? "" : ", ").append(a.mdadmName);
            }
        }
        return s.append(", default, la, ra, ls, rs").toString();
    }
}
