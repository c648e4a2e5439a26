package io.uraid.daemon.nbd;

/**
 * The request slots of one connection and the queue of completed ones, under one monitor: the
 * reader takes free slots, completions (any thread) queue them, the reply writer takes them in
 * batches and frees them. Also accounts the pool bytes the connection holds. Preallocated int
 * rings and stacks: nothing is allocated per request.
 */
final class SlotTable {
    private final Slot[] slots;
    private final int[] free;
    private int freeCount;
    private final int[] completed;
    private int completedHead;
    private int completedCount;
    private boolean readerDone;
    private long bufferedBytes;
    private final long maxBufferedBytes;

    SlotTable(int size, long maxBufferedBytes) {
        this.slots = new Slot[size];
        this.free = new int[size];
        this.completed = new int[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(i);
            free[i] = size - 1 - i;
        }
        this.freeCount = size;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    Slot get(int index) {
        return slots[index];
    }

    /** A cleared free slot, waiting while every slot is in flight. */
    synchronized Slot acquire() throws InterruptedException {
        while (freeCount == 0) {
            wait();
        }
        Slot s = slots[free[--freeCount]];
        s.clear();
        return s;
    }

    /** Queues {@code s} for its reply (callers hold this monitor or call through {@link #complete}). */
    synchronized void complete(Slot s) {
        completed[(completedHead + completedCount++) % completed.length] = s.index;
        notifyAll();
    }

    /**
     * Moves every completed slot index into {@code into}, waiting for at least one.
     *
     * @return how many, or -1 once the reader is done and every slot is free (the connection ends)
     */
    synchronized int takeCompleted(int[] into) throws InterruptedException {
        while (completedCount == 0) {
            if (readerDone && freeCount == slots.length) {
                return -1;
            }
            wait();
        }
        int n = 0;
        for (; completedCount > 0; n++) {
            into[n] = completed[completedHead];
            completedHead = (completedHead + 1) % completed.length;
            completedCount--;
        }
        return n;
    }

    /** Frees {@code s} after its reply; {@code bufferBytes} is the pool buffer it held (0 for none). */
    synchronized void release(Slot s, long bufferBytes) {
        bufferedBytes -= bufferBytes;
        free[freeCount++] = s.index;
        notifyAll();
    }

    /**
     * Reserves {@code bytes} of payload buffer for this connection, waiting while it already
     * holds its share: one client that stops reading cannot take the whole pool from the others.
     */
    synchronized void reserveBuffer(long bytes) throws InterruptedException {
        while (bufferedBytes > 0 && bufferedBytes + bytes > maxBufferedBytes) {
            wait();
        }
        bufferedBytes += bytes;
    }

    synchronized void unreserveBuffer(long bytes) {
        bufferedBytes -= bytes;
        notifyAll();
    }

    synchronized void readerDone() {
        readerDone = true;
        notifyAll();
    }
}
