package io.uraid.core.array;

import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;

/** A pooled {@link Plan}: touched only by the dispatcher thread. */
final class ArrayPlan extends io.uraid.core.plan.PhaseWords implements Plan {
    /** Most scratch buffers one plan may hold: one per role of the widest array (a parity stripe's every member). */
    static final int MAX_SCRATCH = 64;

    final int index;
    private final ScratchPool pool;
    ArrayRequest request;
    /** Legs of the current phase not yet ended. */
    int outstanding;
    long lockFrom;
    long lockTo;
    boolean shared;
    final int[] scratch = new int[MAX_SCRATCH];
    int scratchCount;
    /** Waiting in the queue of plans that found no room for their next phase. */
    boolean waiting;
    /** Held by its level ({@link io.uraid.core.plan.LevelIo#HOLD}) until it resumes it. */
    boolean held;
    /** Requests that joined the plan (indexes), each counting it as one outstanding item. */
    final int[] joined = new int[io.uraid.core.plan.Legs.MAX_JOINED];
    int joinedCount;
    private final ArrayRequest[] requests;

    ArrayPlan(int index, ScratchPool pool, ArrayRequest[] requests) {
        this.index = index;
        this.pool = pool;
        this.requests = requests;
    }

    void open(ArrayRequest r, long from, long to, boolean sharedLock) {
        request = r;
        resetPhases();
        outstanding = 0;
        lockFrom = from;
        lockTo = to;
        shared = sharedLock;
        scratchCount = 0;
        waiting = false;
        held = false;
        joinedCount = 0;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public int requests() {
        return request == null ? 0 : 1 + joinedCount;
    }

    @Override
    public Request request(int i) {
        return i == 0 ? request : requests[joined[i - 1]];
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
    public long lockFrom() {
        return lockFrom;
    }

    @Override
    public long lockTo() {
        return lockTo;
    }
}
