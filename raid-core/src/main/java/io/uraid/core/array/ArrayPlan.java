package io.uraid.core.array;

import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;

/** A pooled {@link Plan}: touched only by the dispatcher thread. */
final class ArrayPlan implements Plan {
    /** Most scratch buffers one plan may hold. */
    static final int MAX_SCRATCH = 16;

    final int index;
    private final ScratchPool pool;
    ArrayRequest request;
    int phase;
    /** Legs of the current phase not yet ended. */
    int outstanding;
    long lockFrom;
    long lockTo;
    boolean shared;
    final int[] scratch = new int[MAX_SCRATCH];
    int scratchCount;
    private final long[] words = new long[4];
    /** Waiting in the queue of plans that found no room for their next phase. */
    boolean waiting;

    ArrayPlan(int index, ScratchPool pool) {
        this.index = index;
        this.pool = pool;
    }

    void open(ArrayRequest r, long from, long to, boolean sharedLock) {
        request = r;
        phase = 0;
        outstanding = 0;
        lockFrom = from;
        lockTo = to;
        shared = sharedLock;
        scratchCount = 0;
        waiting = false;
        java.util.Arrays.fill(words, 0);
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public int phase() {
        return phase;
    }

    @Override
    public void phase(int p) {
        phase = p;
    }

    @Override
    public long scratch(int i) {
        if (i >= scratchCount) {
            throw new IndexOutOfBoundsException("scratch buffer " + i + " of " + scratchCount);
        }
        return pool.address(scratch[i]);
    }

    @Override
    public int scratchBytes() {
        return pool.bytes();
    }

    @Override
    public long word(int i) {
        return words[i];
    }

    @Override
    public void word(int i, long value) {
        words[i] = value;
    }

    @Override
    public long lockFrom() {
        return lockFrom;
    }

    @Override
    public long lockTo() {
        return lockTo;
    }
}
