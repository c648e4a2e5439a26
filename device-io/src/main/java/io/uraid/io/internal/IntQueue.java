package io.uraid.io.internal;

/**
 * A bounded FIFO of ints (slot indexes) handed between an engine's issuer and the threads that
 * run its operations (the portable engine's workers, an NBD connection's sender and receiver).
 * A plain monitor is enough; the array is preallocated, so passing an operation allocates
 * nothing. Capacity is never exceeded because every slot is queued at most once.
 */
public final class IntQueue {
    private final int[] items;
    private int head;
    private int size;

    public IntQueue(int capacity) {
        items = new int[capacity];
    }

    public synchronized void put(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        items[(head + size) % items.length] = v;
        size++;
        notify();
    }

    /** The next value, or -1 when empty. */
    public synchronized int poll() {
        return size == 0 ? -1 : remove();
    }

    /** The next value, waiting for one; an interrupt is remembered, not acted on. */
    public synchronized int take() {
        boolean interrupted = false;
        while (size == 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return remove();
    }

    public synchronized boolean isEmpty() {
        return size == 0;
    }

    private int remove() {
        int v = items[head];
        head = (head + 1) % items.length;
        size--;
        return v;
    }
}
