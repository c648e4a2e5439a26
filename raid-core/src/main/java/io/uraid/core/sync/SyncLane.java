package io.uraid.core.sync;

import io.uraid.io.NativeBuffer;

/**
 * One window of a sync pass in flight: its range, the client-write gate it holds, its buffers
 * (one per copy, allocated on first use) and where its I/O stands. Several lanes run at once
 * so the reads of one window overlap the writes of another.
 */
final class SyncLane {
    static final int NONE = 0, HOLD = 1, READ = 2, WRITE = 3;

    final int index;
    private final NativeBuffer[] buffers;
    int state = NONE;
    long start;
    long end;
    long region;
    long gate = -1;
    int source;
    int targetCopy;
    int legsOutstanding;
    int readErrors;
    boolean lost;

    SyncLane(int index, int copies) {
        this.index = index;
        this.buffers = new NativeBuffer[copies];
    }

    NativeBuffer buffer(int copy) {
        if (buffers[copy] == null) {
            buffers[copy] = NativeBuffer.allocate(SyncEngine.WINDOW);
        }
        return buffers[copy];
    }

    int length() {
        return (int) (end - start);
    }

    boolean busy() {
        return state != NONE;
    }

    boolean ioInFlight() {
        return state == READ || state == WRITE;
    }

    void assign(long from, long to, long inRegion, long heldGate) {
        start = from;
        end = to;
        region = inRegion;
        gate = heldGate;
        state = HOLD;
    }

    void release() {
        state = NONE;
        gate = -1;
    }

    void free() {
        for (NativeBuffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
