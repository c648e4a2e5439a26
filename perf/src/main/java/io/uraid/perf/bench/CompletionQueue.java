package io.uraid.perf.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completed slot numbers travelling from a target's completion thread(s) to the job that owns
 * the slots: many producers, one consumer, no allocation. Never holds more than the job's
 * slots, so a capacity of at least that many can never overflow.
 */
final class CompletionQueue {
    private final AtomicIntegerArray cells;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private long head;

    CompletionQueue(int slots) {
        int cap = Integer.highestOneBit(Math.max(2, slots) * 2 - 1);
        cells = new AtomicIntegerArray(cap);
        mask = cap - 1;
    }

    /** Any thread: hands over a completed slot. */
    void offer(int slot) {
        long t = tail.getAndIncrement();
        cells.set((int) (t & mask), slot + 1);
    }

    /** Owner only: the next completed slot, or -1 when none is ready. */
    int poll() {
        int i = (int) (head & mask);
        int v = cells.get(i);
        if (v == 0) {
            return -1;
        }
        cells.lazySet(i, 0);
        head++;
        return v - 1;
    }

    /** Owner only: true when a completion is ready. */
    boolean ready() {
        return cells.get((int) (head & mask)) != 0;
    }
}
