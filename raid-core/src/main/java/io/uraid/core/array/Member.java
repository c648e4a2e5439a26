package io.uraid.core.array;

import io.uraid.io.BlockDevice;

/**
 * One raid device slot of an array: the device (null when missing), where its data area starts,
 * and its state. State changes happen only on the array's dispatcher thread; other threads
 * read a consistent-enough snapshot through the volatile field.
 */
public final class Member {
    private int role;
    private final BlockDevice device;
    private final long dataOffset;
    private volatile MemberState state;
    /**
     * REBUILDING: bytes at the start of its data area known durably rebuilt (md's
     * recovery_offset, recorded in its superblock); -1 otherwise.
     */
    private volatile long recoveryOffset = -1;
    /** Legs issued to this member and not yet completed (read balancing). Dispatcher-only. */
    int pending;
    /** Counters for status and metrics; written by the dispatcher only. */
    volatile long reads;
    volatile long writes;
    volatile long readBytes;
    volatile long writtenBytes;
    volatile long errors;
    /** Total time legs spent in flight, issue to completion (metrics: latency). */
    volatile long readNanos;
    volatile long writeNanos;
    /** Read errors corrected from another copy (md's read_errors). */
    volatile long readErrors;
    /** md's devflags: {@link io.uraid.core.sb.MdConstants#DEVFLAG_WRITE_MOSTLY}, {@code DEVFLAG_FAILFAST}. */
    private volatile int devflags;
    /** Write-behind legs in flight to this member (see {@link BehindWrites}). Dispatcher-only. */
    int behindPending;

    public Member(int role, BlockDevice device, long dataOffset, MemberState state) {
        this.role = role;
        this.device = device;
        this.dataOffset = dataOffset;
        this.state = device == null ? MemberState.MISSING : state;
    }

    /** A member being rebuilt from {@code recovered} bytes on (md's recovery_offset). */
    public Member(int role, BlockDevice device, long dataOffset, long recovered) {
        this(role, device, dataOffset, MemberState.REBUILDING);
        this.recoveryOffset = recovered;
    }

    /**
     * Sets md's devflags (write-mostly, failfast) as the member's superblock records them; for
     * the code that builds an array, before it starts. Returns this member.
     */
    public Member withDevflags(int flags) {
        this.devflags = flags;
        return this;
    }

    void setDevflags(int flags) {
        this.devflags = flags;
    }

    /** md's devflags of this member. */
    public int devflags() {
        return devflags;
    }

    /** md's write-mostly: reads go to it only when no other copy is in sync. */
    public boolean writeMostly() {
        return (devflags & io.uraid.core.sb.MdConstants.DEVFLAG_WRITE_MOSTLY) != 0;
    }

    /** md's failfast: a failed I/O fails the member at once (while another copy holds the data). */
    public boolean failfast() {
        return (devflags & io.uraid.core.sb.MdConstants.DEVFLAG_FAILFAST) != 0;
    }

    /** Write-behind legs in flight to it. Dispatcher thread only. */
    public int behindPending() {
        return behindPending;
    }

    public int role() {
        return role;
    }

    /** The device, or null when the slot is missing. */
    public BlockDevice device() {
        return device;
    }

    /** Byte offset of the data area on the device (md's data_offset). */
    public long dataOffset() {
        return dataOffset;
    }

    public MemberState state() {
        return state;
    }

    void setState(MemberState s) {
        state = s;
        if (s != MemberState.REBUILDING) {
            recoveryOffset = -1;
        }
    }

    /** Bytes of the data area known durably rebuilt while REBUILDING, else -1. */
    public long recoveryOffset() {
        return state == MemberState.REBUILDING ? recoveryOffset : -1;
    }

    void setRecoveryOffset(long bytes) {
        recoveryOffset = bytes;
    }

    /** A replacement (addressed as a slot past the roles) becomes the member of {@code r}. */
    void promoteTo(int r) {
        role = r;
    }

    /** Legs in flight to this member. Dispatcher thread only. */
    public int pendingLegs() {
        return pending;
    }

    public boolean inSync() {
        return state == MemberState.IN_SYNC;
    }

    /** Takes client writes: in sync, or being rebuilt (so the rebuilt copy misses no write). */
    public boolean writable() {
        MemberState s = state;
        return s == MemberState.IN_SYNC || s == MemberState.REBUILDING;
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    public long readBytes() {
        return readBytes;
    }

    public long writtenBytes() {
        return writtenBytes;
    }

    public long readErrors() {
        return readErrors;
    }

    public long errors() {
        return errors;
    }

    /** Sum of completed read legs' time in flight, in nanoseconds. */
    public long readNanos() {
        return readNanos;
    }

    /** Sum of completed write legs' time in flight, in nanoseconds. */
    public long writeNanos() {
        return writeNanos;
    }
}
