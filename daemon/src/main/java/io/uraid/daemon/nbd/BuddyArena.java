package io.uraid.daemon.nbd;

/**
 * A buddy allocator over one region of {@code blocks << maxShift} bytes: power-of-two blocks
 * from {@code 1 << minShift} to {@code 1 << maxShift} bytes, split on demand and merged with
 * their buddy when both are free. Offsets only; the caller owns the memory. Free blocks are
 * bitmaps per order, so nothing is allocated after construction. Not thread-safe.
 */
final class BuddyArena {
    private final int minShift;
    private final int orders;
    /** Per order, one bit per block of that order: set = free. */
    private final long[][] free;

    /** @param blocks blocks of the largest order ({@code 1 << maxShift} bytes each) */
    BuddyArena(int minShift, int maxShift, int blocks) {
        this.minShift = minShift;
        this.orders = maxShift - minShift + 1;
        this.free = new long[orders][];
        for (int o = 0; o < orders; o++) {
            long count = (long) blocks << (orders - 1 - o);
            free[o] = new long[(int) ((count + 63) / 64)];
        }
        for (int b = 0; b < blocks; b++) {
            set(orders - 1, b);
        }
    }

    /** Offset of a free block of {@code 1 << (minShift + order)} bytes, now taken; -1 when none is left. */
    long allocate(int order) {
        for (int o = order; o < orders; o++) {
            long index = firstFree(o);
            if (index < 0) {
                continue;
            }
            clear(o, index);
            while (o > order) { // split: keep the lower half, free its buddy
                o--;
                index <<= 1;
                set(o, index + 1);
            }
            return index << (minShift + order);
        }
        return -1;
    }

    /** Gives back the block at {@code offset} of {@code order}, merged with its buddy while that is free too. */
    void release(long offset, int order) {
        long index = offset >>> (minShift + order);
        while (order < orders - 1 && isSet(order, index ^ 1)) {
            clear(order, index ^ 1);
            index >>>= 1;
            order++;
        }
        set(order, index);
    }

    private long firstFree(int order) {
        long[] bits = free[order];
        for (int w = 0; w < bits.length; w++) {
            if (bits[w] != 0) {
                return (long) w * 64 + Long.numberOfTrailingZeros(bits[w]);
            }
        }
        return -1;
    }

    private boolean isSet(int order, long index) {
        return (free[order][(int) (index >>> 6)] & (1L << index)) != 0;
    }

    private void set(int order, long index) {
        free[order][(int) (index >>> 6)] |= 1L << index;
    }

    private void clear(int order, long index) {
        free[order][(int) (index >>> 6)] &= ~(1L << index);
    }
}
