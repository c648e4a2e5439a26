package io.uraid.core.array;

/** Request and leg kinds, as bytes so pooled objects store them without boxing. */
final class Op {
    static final byte READ = io.uraid.core.plan.Request.READ;
    static final byte WRITE = io.uraid.core.plan.Request.WRITE;
    static final byte FLUSH = io.uraid.core.plan.Request.FLUSH;
    static final byte DISCARD = io.uraid.core.plan.Request.DISCARD;
    /** Leg only: superblock write of a metadata update. */
    static final byte META = 5;
    /** Leg only: fsync of a member issued by the array itself (at stop, before going clean). */
    static final byte SYNC = 6;
    /** Leg only: I/O of a {@link BackgroundTask} (request = task index, copy = its token). */
    static final byte TASK = 7;
    /** Leg only: the fdatasync that makes a write durable where FUA is emulated (owner as the write's). */
    static final byte FUA_SYNC = 9;
    /** Leg only: the last superblock write of a device that left its role (role = its index in the updater). */
    static final byte RETIRE = 8;

    private Op() {
    }
}
