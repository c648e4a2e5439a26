package io.uraid.core.sync;

/**
 * The windows of a sync pass that may be in flight at once, and what the engine asks of them
 * as a set: which are busy, how far the pass has completed, and whether I/O is still out.
 * Dispatcher thread only.
 */
final class SyncLanes {
    private final SyncLane[] lanes;

    SyncLanes(int count, int copies) {
        lanes = new SyncLane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new SyncLane(i, copies);
        }
    }

    /** The lanes themselves (shared, not a copy: iterating it allocates nothing). */
    SyncLane[] all() {
        return lanes;
    }

    SyncLane get(int index) {
        return lanes[index];
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
        for (SyncLane l : lanes) {
            l.free();
        }
    }
}
