package io.uraid.core.array;

/** Request and leg kinds, as bytes so pooled objects store them without boxing. */
final class Op {
    static final byte READ = 0;
    static final byte WRITE = 1;
    static final byte FLUSH = 2;
    static final byte DISCARD = 3;
    /** Leg only: rewrite of a bad block from a good copy after a read error. */
    static final byte REWRITE = 4;
    /** Leg only: superblock write of a metadata update. */
    static final byte META = 5;
    /** Leg only: fsync of a member issued by the array itself (at stop, before going clean). */
    static final byte SYNC = 6;
    /** Leg only: I/O of a {@link BackgroundTask} (request = task index, copy = its token). */
    static final byte TASK = 7;
    /** Leg only: the last superblock write of a device that left its role (role = its index in the updater). */
    static final byte RETIRE = 8;

    private Op() {
    }
}
