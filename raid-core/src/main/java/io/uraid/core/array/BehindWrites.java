package io.uraid.core.array;

import io.uraid.io.NativeBuffer;

/**
 * md's bitmap write-behind for one array: a write to a write-mostly member may complete for the
 * client once the other copies have it, while this member's leg is still in flight. Such a leg
 * writes from a copy of the client's bytes (the client may reuse its buffer once answered), kept
 * here in one of {@link #SLOT_BYTES}-sized slots of a native region, and at most {@link #limit()}
 * are in flight at once (md's write-behind count, from the bitmap superblock). The request keeps
 * its write-gate hold, so its bitmap bits stay set until the behind leg has landed, as in md.
 *
 * <p>The region is reserved on the first behind write and its pages are touched only as slots
 * are used. Dispatcher thread only, except the counters status readers see.
 */
final class BehindWrites implements AutoCloseable {
    /** The largest behind leg: a level splits a longer write to a write-mostly member into legs of this size. */
    static final int SLOT_BYTES = 64 << 10;
    /** Slots of memory at most, whatever the limit (64 MiB of address space). */
    private static final int MAX_SLOTS = 1024;

    private final int limit;
    /** Per slot in use: the member slot, member offset and length of its leg (length 0: free). */
    private final int[] member;
    private final long[] offset;
    private final int[] length;
    private final int[] free;
    private int freeCount;
    private NativeBuffer region;
    /** Behind legs in flight (status). */
    private volatile int inFlight;
    /** Writes that went out behind so far (status, tests). */
    private volatile long total;

    /** @param limit md's write-behind count: behind legs in flight at most */
    BehindWrites(int limit) {
        this.limit = limit;
        int slots = Math.min(limit, MAX_SLOTS);
        this.free = new int[slots];
        this.member = new int[slots];
        this.offset = new long[slots];
        this.length = new int[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    int limit() {
        return limit;
    }

    /**
     * Takes a slot for a behind leg of {@code length} bytes and copies {@code length} bytes from
     * {@code source} into it; -1 when the leg is too long or {@link #limit()} legs are in flight
     * (the write then goes out as an ordinary leg, waited for).
     */
    int take(long source, int length, int memberSlot, long memberOffset) {
        if (length > SLOT_BYTES || freeCount == 0) {
            return -1;
        }
        if (region == null) {
            region = NativeBuffer.allocateUntouched(free.length * SLOT_BYTES);
        }
        int slot = free[--freeCount];
        io.uraid.io.internal.UnsafeAccess.copyMemory(source, address(slot), length);
        this.member[slot] = memberSlot;
        this.offset[slot] = memberOffset;
        this.length[slot] = length;
        inFlight++;
        total++;
        return slot;
    }

    long address(int slot) {
        return region.address() + (long) slot * SLOT_BYTES;
    }

    /** The behind leg of {@code slot} has ended. */
    void give(int slot) {
        length[slot] = 0;
        free[freeCount++] = slot;
        inFlight--;
    }

    /**
     * True when a behind leg in flight on {@code memberSlot} overlaps {@code [memberOffset,
     * memberOffset + bytes)}: a later write there must wait for it, or the two could land in
     * either order (md serializes such writes too). Scans the slots; callers ask only while the
     * member has behind legs in flight.
     */
    boolean overlaps(int memberSlot, long memberOffset, long bytes) {
        for (int s = 0; s < length.length; s++) {
            if (length[s] != 0 && member[s] == memberSlot && offset[s] < memberOffset + bytes
                    && memberOffset < offset[s] + length[s]) {
                return true;
            }
        }
        return false;
    }

    int inFlight() {
        return inFlight;
    }

    long total() {
        return total;
    }

    @Override
    public void close() {
        if (region != null) {
            region.close();
            region = null;
        }
    }
}
