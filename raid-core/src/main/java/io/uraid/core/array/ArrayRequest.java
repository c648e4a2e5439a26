package io.uraid.core.array;

import io.uraid.core.api.IoCallback;

/**
 * A request in flight on the dispatcher: pooled, mutable, touched only by the dispatcher thread.
 * {@link #cursor} is the resumable submission point: legs are issued piece by piece, and when
 * the engine is full the request waits with its cursor where it stopped (no rollback).
 */
final class ArrayRequest implements io.uraid.core.plan.Request {
    final int index;
    byte op;
    int flags;
    long offset;
    long length;
    long address;
    IoCallback callback;
    long tag;
    /** Bytes of the request already mapped into legs (flush: members already issued). */
    long cursor;
    /** Legs issued and not yet completed. */
    int outstanding;
    /** 0, or the first -errno that decides the request's result. */
    int status;
    /** A tolerated member failure happened: complete only after the superblocks say so. */
    boolean needsMetadata;
    /** Waiting in the stalled queue for engine room. */
    boolean stalled;
    /** Write or discard counted by the write gates (released at completion). */
    boolean admitted;
    /** Write-behind legs among {@link #outstanding} (see {@link BehindWrites}). */
    int behind;
    /** Write legs to copies that are not behind which succeeded: one holding the data lets it answer ahead. */
    int fastWrites;
    /** Answered to its caller (ahead of its write-behind legs, or at its end). */
    boolean acked;
    /** Parked until a superblock update records a member failure it absorbed. */
    boolean waitingMetadata;
    /** Why the last attempt to map it stopped: engine room (it stalls), or a gate or a lock (it parks). */
    byte waitReason;
    static final byte WAIT_ROOM = 0, WAIT_GATE = 1, WAIT_LOCK = 2;

    ArrayRequest(int index) {
        this.index = index;
    }

    void load(RequestSlot slot) {
        op = slot.op;
        flags = slot.flags;
        offset = slot.offset;
        length = slot.length;
        address = slot.address;
        callback = slot.callback;
        tag = slot.tag;
        cursor = 0;
        outstanding = 0;
        status = 0;
        needsMetadata = false;
        stalled = false;
        admitted = false;
        behind = 0;
        fastWrites = 0;
        acked = false;
        waitingMetadata = false;
        waitReason = WAIT_ROOM;
    }

    /** Parked rather than stalled: it waits for a gate or a lock, which later requests need not wait for. */
    boolean waitsAside() {
        return waitReason != WAIT_ROOM;
    }

    @Override
    public byte op() {
        return op;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public void advance(long bytes) {
        cursor += bytes;
    }

    @Override
    public void recordFailureFirst() {
        needsMetadata = true;
    }

    boolean fullyIssued() {
        return cursor >= length;
    }

    /** Keeps the first error: later legs failing the same way add nothing. */
    @Override
    public void fail(int errno) {
        if (status == 0) {
            status = errno;
        }
    }

    void clear() {
        callback = null;
    }
}
