package io.uraid.core.sync;

import io.uraid.core.plan.Window;
import io.uraid.io.NativeBuffer;

/**
 * One window of a sync pass in flight: its range, the client-write gate it holds, its buffers
 * (one per copy, slices of the engine's one buffer region) and where its I/O stands. Several
 * lanes run at once so the I/O of one window overlaps another's.
 */
final class SyncLane extends io.uraid.core.plan.PhaseWords implements Window {
    /** NONE: free; HOLD: waits for client writes in its gate to drain; RUNNING: legs out; WAITING: room for its next phase. */
    static final int NONE = 0, HOLD = 1, RUNNING = 2, WAITING = 3;

    final int index;
    private final NativeBuffer[] buffers;
    private final SyncEngine engine;
    int state = NONE;
    long start;
    long end;
    long region;
    long gate = -1;
    int legsOutstanding;
    /** The range-lock unit the window holds, or -1. */
    long lockedUnit = -1;
    /** No copy was left to read it: the pass stops, and this window counts for nothing. */
    boolean abandoned;

    SyncLane(int index, NativeBuffer[] buffers, SyncEngine engine) {
        this.index = index;
        this.buffers = buffers;
        this.engine = engine;
    }

    @Override
    public long start() {
        return start;
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public int length() {
        return (int) (end - start);
    }

    @Override
    public long buffer(int i) {
        return buffers[i].address();
    }

    @Override
    public NativeBuffer nativeBuffer(int i) {
        return buffers[i];
    }

    @Override
    public void unreadable() {
        engine.unreadable(this);
    }

    @Override
    public void mismatched(long sectors) {
        engine.mismatched(sectors);
    }

    @Override
    public void failPass() {
        engine.failPass(this);
    }

    boolean busy() {
        return state != NONE;
    }

    boolean ioInFlight() {
        return legsOutstanding > 0;
    }

    void assign(long from, long to, long inRegion, long heldGate) {
        start = from;
        end = to;
        region = inRegion;
        gate = heldGate;
        state = HOLD;
        resetPhases();
        legsOutstanding = 0;
        abandoned = false;
    }

    void release() {
        state = NONE;
        gate = -1;
    }
}
