package io.uraid.core.sync;

import io.uraid.core.bitmap.WriteIntentBitmap;

/**
 * The regions a sync pass still owes, one bit per region of {@code 1 << shift} bytes, walked
 * in order. Pure bookkeeping: the engine asks for the next window and reports it done.
 */
final class SyncWork {
    private final long arraySize;
    private final int shift;
    private final long[] todo;
    private final long regions;
    private long region;
    /** Next byte to do inside {@link #region}. */
    private long position;
    private long total;
    private long done;

    SyncWork(long arraySize, int shift) {
        this.arraySize = arraySize;
        this.shift = shift;
        this.regions = (arraySize + (1L << shift) - 1) >>> shift;
        this.todo = new long[(int) ((regions + 63) / 64)];
    }

    /** Every region of the array, in regions of {@code 1 << shift} bytes. */
    static SyncWork whole(long arraySize, int shift) {
        SyncWork w = new SyncWork(arraySize, shift);
        w.addAll();
        return w;
    }

    /**
     * The chunks set in {@code bitmap}, one region per chunk; {@code hold}: keep their bits set
     * until the pass has done them.
     */
    static SyncWork dirty(long arraySize, WriteIntentBitmap bitmap, boolean hold) {
        SyncWork w = new SyncWork(arraySize, Integer.numberOfTrailingZeros(bitmap.chunkBytes()));
        for (long c = 0; c < w.regions(); c++) {
            if (bitmap.isDirty(c)) {
                w.add(c);
                if (hold) {
                    bitmap.hold(c);
                }
            }
        }
        return w;
    }

    int shift() {
        return shift;
    }

    long regions() {
        return regions;
    }

    /** Marks every region to do. */
    void addAll() {
        for (long r = 0; r < regions; r++) {
            add(r);
        }
    }

    void add(long r) {
        if (!has(r)) {
            todo[(int) (r >>> 6)] |= 1L << r;
            total += regionEnd(r) - (r << shift);
        }
    }

    boolean has(long r) {
        return (todo[(int) (r >>> 6)] & (1L << r)) != 0;
    }

    /** True when some region overlapping {@code [offset, offset + length)} is still to do. */
    boolean pending(long offset, long length) {
        long last = Math.min(regions - 1, (offset + Math.max(1, length) - 1) >>> shift);
        for (long r = offset >>> shift; r <= last; r++) {
            if (has(r)) {
                return true;
            }
        }
        return false;
    }

    /** Moves to the first region with windows not yet taken; false when none is left. */
    boolean seek() {
        while (region < regions && !has(region)) {
            region++;
            position = region << shift;
        }
        if (region < regions && position < (region << shift)) {
            position = region << shift;
        }
        return region < regions;
    }

    long position() {
        return position;
    }

    long region() {
        return region;
    }

    long regionEnd(long r) {
        return Math.min(arraySize, (r + 1) << shift);
    }

    /** The window [position, end) was taken by a lane; the next window starts at {@code end}. */
    void take(long end) {
        position = end;
        if (position >= regionEnd(region)) {
            region++;
            position = region << shift;
        }
    }

    /** True when every window of region {@code r} has been taken. */
    boolean allTaken(long r) {
        return region > r;
    }

    /** {@code length} bytes of windows finished. */
    void finished(long length) {
        done += length;
    }

    /** Region {@code r} is done: reads of it need no steering any more. */
    void clear(long r) {
        todo[(int) (r >>> 6)] &= ~(1L << r);
    }

    long total() {
        return total;
    }

    long done() {
        return done;
    }
}
