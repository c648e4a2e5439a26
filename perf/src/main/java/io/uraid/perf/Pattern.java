package io.uraid.perf;

/** The I/O pattern of a job, with fio's names. */
public enum Pattern {
    READ("read", false, false),
    WRITE("write", true, false),
    RANDREAD("randread", false, true),
    RANDWRITE("randwrite", true, true);

    private final String fioName;
    private final boolean write;
    private final boolean random;

    Pattern(String fioName, boolean write, boolean random) {
        this.fioName = fioName;
        this.write = write;
        this.random = random;
    }

    public String fioName() {
        return fioName;
    }

    public boolean isWrite() {
        return write;
    }

    public boolean isRandom() {
        return random;
    }

    /** Parses fio's name ("randread"...), with a one-line error listing the valid ones. */
    public static Pattern parse(String s) {
        for (Pattern p : values()) {
            if (p.fioName.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown --rw '" + s + "': use read, write, randread or randwrite");
    }
}
