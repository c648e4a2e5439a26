package io.uraid.core.sync;

import io.uraid.core.bitmap.WriteIntentBitmap;

/**
 * The regions a sync pass still owes, one bit per region of {@code regionBytes} array bytes
 * (a power of two for a whole pass; a bitmap chunk's array bytes for a bitmap resync, which a
 * parity array's data disks multiply), walked in order. Pure bookkeeping: the engine asks for the next window and reports it done.
 */
final class SyncWork {
    private final long arraySize;
    private final long regionBytes;
    private final long[] todo;
    private final long regions;
    private long region;
    /** Next byte to do inside {@link #region}. */
    private long position;
    private long total;
    private long done;

    SyncWork(long arraySize, long regionBytes) {
        this.arraySize = arraySize;
        this.regionBytes = regionBytes;
        this.regions = (arraySize + regionBytes - 1) / regionBytes;
        this.todo = new long[(int) ((regions + 63) / 64)];
    }

    /** Every region of the array, in regions of {@code 1 << shift} bytes. */
    static SyncWork whole(long arraySize, int shift) {
        SyncWork w = new SyncWork(arraySize, 1L << shift);
        w.addAll();
        return w;
    }

    /**
     * The regions from the one holding byte {@code from} to the end: a resync that resumes at
     * md's resync_offset (what a stop in the middle of a resync recorded, or the start of the
     * space a grown array added).
     */
    static SyncWork from(long arraySize, int shift, long from) {
        SyncWork w = new SyncWork(arraySize, 1L << shift);
        for (long r = Math.max(0, from) >>> shift; r < w.regions; r++) {
            w.add(r);
        }
        return w;
    }

    /**
     * The chunks set in {@code bitmap}, one region per chunk; {@code hold}: keep their bits set
     * until the pass has done them.
     */
    static SyncWork dirty(long arraySize, WriteIntentBitmap bitmap, boolean hold) {
        SyncWork w = new SyncWork(arraySize, bitmap.arrayBytesPerBit());
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
            total += regionEnd(r) - r * regionBytes;
        }
    }

    boolean has(long r) {
        return (todo[(int) (r >>> 6)] & (1L << r)) != 0;
    }

    /** True when some region overlapping {@code [offset, offset + length)} is still to do. */
    boolean pending(long offset, long length) {
        long last = Math.min(regions - 1, (offset + Math.max(1, length) - 1) / regionBytes);
        for (long r = offset / regionBytes; r <= last; r++) {
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
            position = region * regionBytes;
        }
        if (region < regions && position < region * regionBytes) {
            position = region * regionBytes;
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
        return Math.min(arraySize, (r + 1) * regionBytes);
    }

    /** The window [position, end) was taken by a lane; the next window starts at {@code end}. */
    void take(long end) {
        position = end;
        if (position >= regionEnd(region)) {
            region++;
            position = region * regionBytes;
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
