package io.uraid.core.sync;

/**
 * Keeps sync windows and client writes apart: counts the client writes in flight per gate
 * ({@code 1 << SHIFT} bytes of the array) and refuses a new write while a sync lane holds its
 * gate. A lane starts reading only when its gate has no write in flight.
 */
final class WriteGates {
    /** Granularity of the client-write tracking (a window never crosses one of these). */
    static final int SHIFT = 20;

    private final int[] writesInFlight;
    private final SyncLane[] lanes;

    WriteGates(long arraySize, SyncLane[] lanes) {
        this.writesInFlight = new int[(int) ((arraySize + (1L << SHIFT) - 1) >>> SHIFT)];
        this.lanes = lanes;
    }

    /** Counts a client write in, unless a lane holds one of its gates (then it must wait). */
    boolean admit(long offset, long length) {
        long first = offset >>> SHIFT;
        long last = last(offset, length);
        for (SyncLane l : lanes) {
            if (l.gate >= first && l.gate <= last) {
                return false;
            }
        }
        for (long g = first; g <= last; g++) {
            writesInFlight[(int) g]++;
        }
        return true;
    }

    /** Counts an admitted client write out. */
    void release(long offset, long length) {
        for (long g = offset >>> SHIFT, last = last(offset, length); g <= last; g++) {
            writesInFlight[(int) g]--;
        }
    }

    /** True when no client write is in flight in {@code gate}. */
    boolean idle(long gate) {
        return writesInFlight[(int) gate] == 0;
    }

    private long last(long offset, long length) {
        return Math.min(writesInFlight.length - 1, (offset + Math.max(1, length) - 1) >>> SHIFT);
    }
}
