package io.uraid.io.internal;

/**
 * A fixed-capacity double-ended queue of ints (slot indexes), preallocated so the hot path
 * never allocates. Not thread-safe: the engine's issuer thread owns it.
 */
public final class IntDeque {
    private final int[] items;
    private final int mask;
    private int head;
    private int size;

    public IntDeque(int capacity) {
        int cap = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        items = new int[cap];
        mask = cap - 1;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void addLast(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        items[(head + size) & mask] = v;
        size++;
    }

    public void addFirst(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        head = (head - 1) & mask;
        items[head] = v;
        size++;
    }

    public int peekFirst() {
        return items[head];
    }

    public int pollFirst() {
        int v = items[head];
        head = (head + 1) & mask;
        size--;
        return v;
    }

    public int pollLast() {
        size--;
        return items[(head + size) & mask];
    }
}
