package io.uraid.io.aio;

/**
 * A fixed-capacity double-ended queue of ints (slot indexes), preallocated so the hot path
 * never allocates. Not thread-safe: the engine's issuer thread owns it.
 */
final class IntDeque {
    private final int[] items;
    private final int mask;
    private int head;
    private int size;

    IntDeque(int capacity) {
        int cap = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        items = new int[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addLast(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        items[(head + size) & mask] = v;
        size++;
    }

    void addFirst(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        head = (head - 1) & mask;
        items[head] = v;
        size++;
    }

    int pollFirst() {
        int v = items[head];
        head = (head + 1) & mask;
        size--;
        return v;
    }

    int pollLast() {
        size--;
        return items[(head + size) & mask];
    }
}
