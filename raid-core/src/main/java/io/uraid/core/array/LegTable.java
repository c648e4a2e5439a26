package io.uraid.core.array;

/**
 * Preallocated records of the legs in flight, indexed by the leg number that travels as the
 * engine's 64-bit user_data. Parallel primitive arrays: no object per leg. A record holds all
 * an engine operation needs ({@link LegIssuer#prep}), so a leg can be sent again from it (a
 * retry on another copy, a leg that waited for engine room), plus a few fields its level keeps.
 */
final class LegTable {
    final int[] request;
    /** The plan the leg belongs to, or -1 for a leg of its request directly. */
    final int[] plan;
    final byte[] kind;
    /** Role, or role + raid disks for a replacement (or a task's slot). */
    final int[] role;
    /** Offset within the member's data area (requests' legs) or absolute (tasks' legs). */
    final long[] memberOffset;
    final long[] address;
    final int[] length;
    /** Engine flags (LINK, FUA). */
    final int[] flags;
    /** A write whose FUA is emulated by a flush issued once it completed (phased ordering). */
    final boolean[] syncAfter;
    /** Level fields (see {@link io.uraid.core.plan.Legs#note}); tasks keep their token in {@link #copy}. */
    final byte[] tag;
    final int[] copy;
    final long[] arrayOffset;
    final int[] mask;
    final int[] otherSlot;
    /** The {@link BehindWrites} slot a write-behind leg writes from, or -1. */
    final int[] behind;
    /** System.nanoTime() when the leg was taken (per-member latency for metrics). */
    final long[] issuedAt;
    private final int[] free;
    private int freeCount;
    /** FIFO of legs whose (re)issue found the engine full: they keep their record and wait for room. */
    private final int[] deferred;
    private int deferredHead;
    private int deferredCount;

    LegTable(int capacity) {
        request = new int[capacity];
        plan = new int[capacity];
        kind = new byte[capacity];
        role = new int[capacity];
        memberOffset = new long[capacity];
        address = new long[capacity];
        length = new int[capacity];
        flags = new int[capacity];
        syncAfter = new boolean[capacity];
        tag = new byte[capacity];
        copy = new int[capacity];
        arrayOffset = new long[capacity];
        mask = new int[capacity];
        otherSlot = new int[capacity];
        issuedAt = new long[capacity];
        behind = new int[capacity];
        free = new int[capacity];
        deferred = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    int available() {
        return freeCount;
    }

    /** Takes a free leg number, or -1 when all are in flight. */
    int acquire(int requestIndex, byte legKind, int legRole) {
        if (freeCount == 0) {
            return -1;
        }
        int leg = free[--freeCount];
        request[leg] = requestIndex;
        plan[leg] = -1;
        kind[leg] = legKind;
        role[leg] = legRole;
        flags[leg] = 0;
        syncAfter[leg] = false;
        tag[leg] = 0;
        copy[leg] = 0;
        mask[leg] = 0;
        otherSlot[leg] = -1;
        behind[leg] = -1;
        issuedAt[leg] = System.nanoTime();
        return leg;
    }

    void release(int leg) {
        free[freeCount++] = leg;
    }

    int inFlight() {
        return free.length - freeCount;
    }

    /** Leg {@code leg}, taken and filled in, waits for engine room to be issued (again). */
    void defer(int leg) {
        deferred[(deferredHead + deferredCount++) % deferred.length] = leg;
    }

    boolean hasDeferred() {
        return deferredCount > 0;
    }

    /** The oldest deferred leg, without taking it; -1 when none. */
    int peekDeferred() {
        return deferredCount == 0 ? -1 : deferred[deferredHead];
    }

    void popDeferred() {
        deferredHead = (deferredHead + 1) % deferred.length;
        deferredCount--;
    }
}
