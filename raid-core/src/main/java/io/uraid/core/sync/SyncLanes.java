package io.uraid.core.sync;

import io.uraid.io.NativeBuffer;

/**
 * The windows of a sync pass that may be in flight at once, their buffers (one native region,
 * so the engine can register it), and what the engine asks of them as a set: which are busy,
 * how far the pass has completed, and whether I/O is still out. Dispatcher thread only.
 */
final class SyncLanes {
    private final SyncLane[] lanes;
    private final NativeBuffer region;

    /** {@code count} lanes with {@code buffers} buffers of {@code bytes} each. */
    SyncLanes(int count, int buffers, int bytes, SyncEngine engine) {
        region = NativeBuffer.allocate(Math.multiplyExact(count * buffers, bytes));
        lanes = new SyncLane[count];
        for (int i = 0; i < count; i++) {
            NativeBuffer[] own = new NativeBuffer[buffers];
            for (int b = 0; b < buffers; b++) {
                own[b] = region.slice((i * buffers + b) * bytes, bytes);
            }
            lanes[i] = new SyncLane(i, own, engine);
        }
    }

    /** The lanes themselves (shared, not a copy: iterating it allocates nothing). */
    SyncLane[] all() {
        return lanes;
    }

    SyncLane get(int index) {
        return lanes[index];
    }

    /** Every window buffer, as one region. */
    NativeBuffer region() {
        return region;
    }

    /** The array bytes below which every window of the pass over {@code work} has completed. */
    long donePrefix(SyncWork work, long arraySize) {
        long p = work.seek() ? work.position() : arraySize;
        for (SyncLane l : lanes) {
            if (l.busy() && l.start < p) {
                p = l.start;
            }
        }
        return p;
    }

    boolean anyBusy() {
        for (SyncLane l : lanes) {
            if (l.busy()) {
                return true;
            }
        }
        return false;
    }

    /** True when a lane still works on a window of {@code region}. */
    boolean regionBusy(long region) {
        for (SyncLane l : lanes) {
            if (l.busy() && l.region == region) {
                return true;
            }
        }
        return false;
    }

    /** True when a lane has reads or writes in flight. */
    boolean ioInFlight() {
        for (SyncLane l : lanes) {
            if (l.ioInFlight()) {
                return true;
            }
        }
        return false;
    }

    void releaseAll() {
        for (SyncLane l : lanes) {
            l.release();
        }
    }

    /** Releases the buffers; after the array stopped. */
    void free() {
        region.close();
    }
}
