package io.uraid.daemon.nbd;

import io.uraid.io.nbd.NbdProtocol;
import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * Native, 4096-aligned payload buffers shared by every connection of a server, in power-of-two
 * size classes from 4 KiB to {@link NbdProtocol#MAX_PAYLOAD}. A buffer leaves the pool for one
 * request and comes back after its reply is sent, so in steady state no request allocates.
 *
 * <p>Every buffer is carved out of one native region of the budget's size ({@link #region()}),
 * so the arrays behind the exports can register it with their io_uring rings once and send
 * every member leg on a payload buffer as READ_FIXED/WRITE_FIXED. Blocks are split and merged
 * by a buddy allocator: when a class is empty and no free block is large enough, idle buffers
 * of other classes go back to the region to make room, and if every byte is in use the caller
 * waits for a release (back-pressure on the client that asked).
 */
final class BufferPool implements AutoCloseable {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = Integer.numberOfTrailingZeros(NbdProtocol.MAX_PAYLOAD);

    /** A pooled buffer and its reusable big-endian-agnostic byte view (payloads are opaque). */
    static final class Pooled {
        final NativeBuffer memory;
        final ByteBuffer bytes;
        final int sizeClass;
        /** Where it lies in the pool's region. */
        final long offset;

        Pooled(NativeBuffer region, long offset, int sizeClass) {
            this.sizeClass = sizeClass;
            this.offset = offset;
            this.memory = region.slice((int) offset, 1 << (sizeClass + MIN_SHIFT));
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
    private final NativeBuffer region;
    private final BuddyArena arena;
    private long allocated;
    /** Buffers handed out and not yet back: the region is freed at close only once they are all back. */
    private int out;
    private boolean closed;

    /** @param budgetBytes rounded up to a whole number of maximum payloads */
    @SuppressWarnings("unchecked")
    BufferPool(long budgetBytes) {
        if (budgetBytes < NbdProtocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer budget must hold one maximum payload ("
                    + NbdProtocol.MAX_PAYLOAD + " bytes): " + budgetBytes);
        }
        int blocks = Math.toIntExact((budgetBytes + NbdProtocol.MAX_PAYLOAD - 1) / NbdProtocol.MAX_PAYLOAD);
        this.budget = (long) blocks * NbdProtocol.MAX_PAYLOAD;
        this.region = NativeBuffer.allocateUntouched(Math.toIntExact(budget)); // costs memory as it is carved
        this.arena = new BuddyArena(MIN_SHIFT, MAX_SHIFT, blocks);
        this.free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** The native region every buffer is carved from (to register with engines; valid until close). */
    NativeBuffer region() {
        return region;
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
            if (p == null) {
                p = carve(c, bytes);
            }
            if (p != null) {
                out++;
                return p;
            }
            wait();
        }
    }

    /**
     * A new buffer of class {@code c} from the region, giving idle buffers of other classes back
     * (largest first) until a block of its size is free; null when the region is all in use.
     */
    private Pooled carve(int c, long bytes) {
        long offset = arena.allocate(c);
        for (int k = free.length - 1; offset < 0 && k >= 0; k--) {
            Pooled idle;
            while (offset < 0 && (idle = free[k].pollFirst()) != null) {
                arena.release(idle.offset, idle.sizeClass);
                allocated -= 1L << (idle.sizeClass + MIN_SHIFT);
                offset = arena.allocate(c);
            }
        }
        if (offset < 0) {
            return null;
        }
        allocated += bytes;
        return new Pooled(region, offset, c);
    }

    synchronized void release(Pooled p) {
        out--;
        if (closed) {
            allocated -= 1L << (p.sizeClass + MIN_SHIFT);
            if (out == 0) {
                region.close();
            }
            return;
        }
        free[p.sizeClass].addFirst(p); // most recently used first: its pages are warm
        notifyAll();
    }

    /** Bytes of the region carved into buffers (in use or idle). */
    synchronized long allocatedBytes() {
        return allocated;
    }

    /** Forgets idle buffers and frees the region, at once or when the last buffer still out comes back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ArrayDeque<Pooled> q : free) {
            for (Pooled p : q) {
                allocated -= 1L << (p.sizeClass + MIN_SHIFT);
            }
            q.clear();
        }
        if (out == 0) {
            region.close();
        }
        notifyAll();
    }
}
