package io.uraid.core.array;

/** The state of one raid device slot, as md tracks it. */
public enum MemberState {
    /** Holds current data and takes reads and writes. */
    IN_SYNC,
    /** Failed: takes no I/O; its superblock role becomes faulty. */
    FAULTY,
    /** No device in this slot (missing at assembly or removed). */
    MISSING,
    /** A spare (or re-added member) being rebuilt into the slot: takes writes, serves no reads. */
    REBUILDING;

    /** md's mdstat letter: U for a working member, _ otherwise. */
    public char statusLetter() {
        return this == IN_SYNC ? 'U' : '_';
    }
}
