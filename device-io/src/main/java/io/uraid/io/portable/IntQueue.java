package io.uraid.io.portable;

/**
 * A bounded FIFO of ints (slot indexes) handed between the issuer and the worker threads.
 * A plain monitor is enough for the fallback engine; the array is preallocated, so passing an
 * operation allocates nothing. Capacity is never exceeded because every slot is queued at most once.
 */
final class IntQueue {
    private final int[] items;
    private int head;
    private int size;

    IntQueue(int capacity) {
        items = new int[capacity];
    }

    synchronized void put(int v) {
        if (size == items.length) {
            throw new IllegalStateException("queue full");
        }
        items[(head + size) % items.length] = v;
        size++;
        notify();
    }

    /** The next value, or -1 when empty. */
    synchronized int poll() {
        return size == 0 ? -1 : remove();
    }

    /** The next value, waiting for one; an interrupt is remembered, not acted on. */
    synchronized int take() {
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

    private int remove() {
        int v = items[head];
        head = (head + 1) % items.length;
        size--;
        return v;
    }
}
