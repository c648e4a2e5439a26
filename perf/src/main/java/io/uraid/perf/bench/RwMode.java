package io.uraid.perf.bench;

/** The I/O pattern of a bench workload, with fio's {@code --rw} names. */
public enum RwMode {
    READ("read", false, 100),
    WRITE("write", false, 0),
    RANDREAD("randread", true, 100),
    RANDWRITE("randwrite", true, 0),
    RANDRW("randrw", true, -1);

    private final String fioName;
    private final boolean random;
    /** Percentage of reads, or -1 when --rwmixread decides. */
    private final int fixedReadPercent;

    RwMode(String fioName, boolean random, int fixedReadPercent) {
        this.fioName = fioName;
        this.random = random;
        this.fixedReadPercent = fixedReadPercent;
    }

    public String fioName() {
        return fioName;
    }

    public boolean isRandom() {
        return random;
    }

    /** The share of reads in percent, given the user's {@code --rwmixread}. */
    public int readPercent(int rwmixread) {
        return fixedReadPercent >= 0 ? fixedReadPercent : rwmixread;
    }

    /** Parses fio's name, with a one-line error listing the valid ones. */
    public static RwMode parse(String s) {
        for (RwMode m : values()) {
            if (m.fioName.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown --rw '" + s + "': use read, write, randread, randwrite or randrw");
    }
}
