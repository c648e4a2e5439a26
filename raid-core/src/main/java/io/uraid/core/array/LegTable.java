package io.uraid.core.array;

/**
 * Preallocated records of the legs in flight, indexed by the leg number that travels as the
 * engine's 64-bit user_data. Parallel primitive arrays: no object per leg.
 */
final class LegTable {
    final int[] request;
    final byte[] kind;
    final int[] role;
    final int[] copy;
    /** Array offset of the piece (reads: to choose another copy on error). */
    final long[] arrayOffset;
    final long[] address;
    final int[] length;
    /** Reads: bitmask of copies already tried. */
    final int[] tried;
    /** Reads: role whose copy failed and must be rewritten once a good copy is read, or -1. */
    final int[] badRole;
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
        kind = new byte[capacity];
        role = new int[capacity];
        copy = new int[capacity];
        arrayOffset = new long[capacity];
        address = new long[capacity];
        length = new int[capacity];
        tried = new int[capacity];
        badRole = new int[capacity];
        issuedAt = new long[capacity];
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
        kind[leg] = legKind;
        role[leg] = legRole;
        copy[leg] = 0;
        tried[leg] = 0;
        badRole[leg] = -1;
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
