package io.uraid.core.array;

/**
 * The array's range lock: units (a level's stripes, a sync window's range) held by plans,
 * exclusively or shared among plans that only read. A plan takes all its units or none, in one
 * call, so there is no waiting while holding part of a range; requests map their pieces in
 * increasing order, so waits never form a cycle.
 *
 * <p>An open-addressing table of held units (linear probing, backward-shift deletion): no
 * allocation after construction. Dispatcher thread only.
 */
final class RangeLock {
    private static final long EMPTY = Long.MIN_VALUE;
    private final long[] keys;
    /** Holders of the unit in the same slot: n &gt; 0 shared holders, -1 one exclusive holder. */
    private final int[] holders;
    private final int mask;
    private int used;

    /** A table for at least {@code units} units held at once. */
    RangeLock(int units) {
        int capacity = Integer.highestOneBit(Math.max(16, units * 2 - 1)) << 1;
        keys = new long[capacity];
        holders = new int[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
    }

    /** Units held now (by any number of plans). */
    int held() {
        return used;
    }

    /**
     * Takes units {@code [from, to]}: all of them, or none when one is held in a way that
     * conflicts (any holder against an exclusive request; an exclusive holder against a shared
     * one) or the table has no room for them.
     */
    boolean tryAcquire(long from, long to, boolean shared) {
        int fresh = 0;
        for (long u = from; u <= to; u++) {
            int h = holders(u);
            if (h != 0 && (!shared || h < 0)) {
                return false;
            }
            if (h == 0) {
                fresh++;
            }
        }
        if (used + fresh > keys.length / 2) {
            return false; // keep the table half empty: probes stay short
        }
        for (long u = from; u <= to; u++) {
            int s = slot(u, true);
            holders[s] = shared ? holders[s] + 1 : -1;
        }
        return true;
    }

    /** Gives back units {@code [from, to]} taken with the same {@code shared}. */
    void release(long from, long to, boolean shared) {
        for (long u = from; u <= to; u++) {
            int s = slot(u, false);
            if (s < 0) {
                throw new IllegalStateException("lock unit " + u + " released but not held");
            }
            if (shared && holders[s] > 1) {
                holders[s]--;
            } else {
                remove(s);
            }
        }
    }

    /** True when a plan holds {@code unit} exclusively. */
    boolean heldExclusively(long unit) {
        return used > 0 && holders(unit) < 0;
    }

    private int holders(long unit) {
        int s = slot(unit, false);
        return s < 0 ? 0 : holders[s];
    }

    /** The slot of {@code unit}; when absent: -1, or a new slot for it when {@code insert}. */
    private int slot(long unit, boolean insert) {
        for (int s = hash(unit); ; s = (s + 1) & mask) {
            if (keys[s] == unit) {
                return s;
            }
            if (keys[s] == EMPTY) {
                if (!insert) {
                    return -1;
                }
                keys[s] = unit;
                holders[s] = 0;
                used++;
                return s;
            }
        }
    }

    private int hash(long unit) {
        long h = unit * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Empties slot {@code s}, moving later entries of its probe run back so lookups still find them. */
    private void remove(int s) {
        used--;
        int hole = s;
        for (int i = (s + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int home = hash(keys[i]);
            // Move entry i into the hole when its home does not lie cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                holders[hole] = holders[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        holders[hole] = 0;
    }
}
