package io.uraid.daemon.nbd;

import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * Native, 4096-aligned payload buffers shared by every connection of a server, in power-of-two
 * size classes from 4 KiB to {@link NbdConstants#MAX_PAYLOAD}. A buffer leaves the pool for one
 * request and comes back after its reply is sent, so in steady state no request allocates.
 *
 * <p>The pool never holds more than its budget: when a class is empty and the budget is spent,
 * idle buffers of other classes are freed to make room, and if every byte is in use the caller
 * waits for a release (back-pressure on the client that asked).
 */
final class BufferPool implements AutoCloseable {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = Integer.numberOfTrailingZeros(NbdConstants.MAX_PAYLOAD);

    /** A pooled buffer and its reusable big-endian-agnostic byte view (payloads are opaque). */
    static final class Pooled {
        final NativeBuffer memory;
        final ByteBuffer bytes;
        final int sizeClass;

        Pooled(int sizeClass) {
            this.sizeClass = sizeClass;
            this.memory = NativeBuffer.allocate(1 << (sizeClass + MIN_SHIFT));
            this.bytes = memory.view().order(ByteOrder.BIG_ENDIAN);
        }

        long address() {
            return memory.address();
        }

        /** The view set to {@code [0, length)} for one socket transfer. */
        ByteBuffer window(int length) {
            bytes.clear().limit(length);
            return bytes;
        }
    }

    private final ArrayDeque<Pooled>[] free;
    private final long budget;
    private long allocated;
    private boolean closed;

    @SuppressWarnings("unchecked")
    BufferPool(long budgetBytes) {
        if (budgetBytes < NbdConstants.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer budget must hold one maximum payload ("
                    + NbdConstants.MAX_PAYLOAD + " bytes): " + budgetBytes);
        }
        this.budget = budgetBytes;
        this.free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** Bytes of the buffer {@link #acquire} hands out for {@code length}. */
    static long classBytes(int length) {
        return 1L << (sizeClass(length) + MIN_SHIFT);
    }

    static int sizeClass(int length) {
        if (length <= (1 << MIN_SHIFT)) {
            return 0;
        }
        return 32 - Integer.numberOfLeadingZeros(length - 1) - MIN_SHIFT;
    }

    /**
     * A buffer of at least {@code length} bytes (1 ≤ length ≤ MAX_PAYLOAD), waiting while the
     * budget is all in use.
     */
    synchronized Pooled acquire(int length) throws InterruptedException {
        int c = sizeClass(length);
        long bytes = 1L << (c + MIN_SHIFT);
        while (true) {
            if (closed) {
                throw new IllegalStateException("buffer pool closed");
            }
            Pooled p = free[c].pollFirst();
            if (p != null) {
                return p;
            }
            if (allocated + bytes > budget) {
                evictIdle(bytes);
            }
            if (allocated + bytes <= budget) {
                allocated += bytes;
                return new Pooled(c);
            }
            wait();
        }
    }

    /** Frees idle buffers, largest first, until {@code bytes} more fit in the budget. */
    private void evictIdle(long bytes) {
        for (int c = free.length - 1; c >= 0 && allocated + bytes > budget; c--) {
            Pooled p;
            while (allocated + bytes > budget && (p = free[c].pollFirst()) != null) {
                p.memory.close();
                allocated -= 1L << (c + MIN_SHIFT);
            }
        }
    }

    synchronized void release(Pooled p) {
        if (closed) {
            p.memory.close();
            allocated -= 1L << (p.sizeClass + MIN_SHIFT);
            return;
        }
        free[p.sizeClass].addFirst(p); // most recently used first: its pages are warm
        notifyAll();
    }

    /** Bytes of native memory held (in use or idle). */
    synchronized long allocatedBytes() {
        return allocated;
    }

    /** Frees idle buffers; buffers still out are freed as they come back. */
    @Override
    public synchronized void close() {
        closed = true;
        for (ArrayDeque<Pooled> q : free) {
            for (Pooled p : q) {
                p.memory.close();
                allocated -= 1L << (p.sizeClass + MIN_SHIFT);
            }
            q.clear();
        }
        notifyAll();
    }
}
