package io.uraid.daemon.cache;

import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;
import java.util.Arrays;

/**
 * A read cache in front of one export: what the page cache above /dev/mdX gives a server that
 * reads the md device through the kernel (nbdkit's file plugin, qemu-nbd's default), for an
 * array whose members uraid always reads with O_DIRECT. Writes go around it (they invalidate,
 * never fill), so it holds nothing that is not already on the members and losing it loses
 * nothing.
 *
 * <p>Direct-mapped, 4 KiB lines in native memory: block {@code b} can only live in line
 * {@code b mod lines}, tagged with {@code b}. No index, no eviction list, nothing allocated after
 * construction; a working set no larger than the cache and laid out contiguously never collides.
 *
 * <p>Coherence. A request's reply is the only thing that makes it visible to clients, and every
 * method here is called before the reply is sent, so these rules keep the cache exact:
 * <ul>
 *   <li>a write (or discard, write-zeroes) calls {@link #invalidate} when it is submitted and
 *       again when it has completed, before its reply;</li>
 *   <li>a read that missed takes a {@link #ticket()} before it is submitted; {@link #fill} stores
 *       its data only if no invalidation touching its range was recorded since that ticket (the
 *       read may have seen the old data of a write that completed meanwhile, or the new data of
 *       one still in flight; either way it must not stay cached).</li>
 * </ul>
 * Every method takes the cache's monitor; copies are at most one request long.
 */
public final class ReadCache implements AutoCloseable {
    /** Bytes per cache line. */
    public static final int LINE_SIZE = 4096;
    private static final int LINE_SHIFT = 12;
    /** Lines per native chunk (256 MiB), so no single allocation exceeds an int capacity. */
    private static final int CHUNK_SHIFT = 16;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    /** Invalidations remembered for in-flight misses; a miss older than this many does not fill. */
    private static final int EVENTS = 1024;
    private static final long EMPTY = -1;

    private final int lines;
    private final long[] tags;
    private final NativeBuffer[] chunks;
    private final long[] chunkAddress;
    private final long[] eventFirst = new long[EVENTS];
    private final long[] eventLast = new long[EVENTS];
    private long events;
    private long hits;
    private long misses;
    private boolean closed;

    /** @param capacityBytes memory for cached data, at least one line; rounded down to whole lines */
    public ReadCache(long capacityBytes) {
        if (capacityBytes < LINE_SIZE) {
            throw new IllegalArgumentException("read cache must hold at least " + LINE_SIZE + " bytes: " + capacityBytes);
        }
        long n = capacityBytes >>> LINE_SHIFT;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("read cache too large: " + capacityBytes + " bytes");
        }
        lines = (int) n;
        tags = new long[lines];
        Arrays.fill(tags, EMPTY);
        int chunkCount = (int) ((n + CHUNK_MASK) >>> CHUNK_SHIFT);
        chunks = new NativeBuffer[chunkCount];
        chunkAddress = new long[chunkCount];
        try {
            for (int i = 0; i < chunkCount; i++) {
                int chunkLines = (int) Math.min(1 << CHUNK_SHIFT, n - ((long) i << CHUNK_SHIFT));
                chunks[i] = NativeBuffer.allocate(chunkLines << LINE_SHIFT);
                chunkAddress[i] = chunks[i].address();
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            freeChunks();
            throw e;
        }
    }

    /** Bytes of data the cache can hold. */
    public long capacity() {
        return (long) lines << LINE_SHIFT;
    }

    /**
     * Copies {@code [offset, offset + length)} to native memory at {@code address} when every
     * byte of it is cached.
     *
     * @return true when copied (a hit); false when any part is missing, and nothing was copied
     */
    public synchronized boolean read(long offset, int length, long address) {
        if (closed || length <= 0) {
            return false;
        }
        long first = offset >>> LINE_SHIFT;
        long last = (offset + length - 1) >>> LINE_SHIFT;
        for (long b = first; b <= last; b++) {
            if (tags[lineOf(b)] != b) {
                misses++;
                return false;
            }
        }
        long end = offset + length;
        for (long at = offset, to = address; at < end; ) {
            long b = at >>> LINE_SHIFT;
            int within = (int) (at & (LINE_SIZE - 1));
            int n = (int) Math.min(LINE_SIZE - within, end - at);
            UnsafeAccess.copyMemory(lineAddress(lineOf(b)) + within, to, n);
            at += n;
            to += n;
        }
        hits++;
        return true;
    }

    /** The ticket a read that missed takes before it is submitted, for {@link #fill}. */
    public synchronized long ticket() {
        return events;
    }

    /**
     * Stores the whole lines of a completed read's data, unless an invalidation touching its
     * range was recorded since {@code ticket} (or too many to tell).
     */
    public synchronized void fill(long ticket, long offset, int length, long address) {
        long first = (offset + LINE_SIZE - 1) >>> LINE_SHIFT;
        long end = (offset + length) >>> LINE_SHIFT; // exclusive: a partial last line is not stored
        if (closed || first >= end || events - ticket > EVENTS) {
            return;
        }
        for (long e = ticket; e < events; e++) {
            int i = (int) (e & (EVENTS - 1));
            if (eventFirst[i] < end && eventLast[i] >= first) {
                return;
            }
        }
        for (long b = first; b < end; b++) {
            int line = lineOf(b);
            UnsafeAccess.copyMemory(address + ((b << LINE_SHIFT) - offset), lineAddress(line), LINE_SIZE);
            tags[line] = b;
        }
    }

    /** Drops every cached line that overlaps {@code [offset, offset + length)} and records it. */
    public synchronized void invalidate(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset >>> LINE_SHIFT;
        long last = (offset + length - 1) >>> LINE_SHIFT;
        record(first, last);
        if (last - first >= lines) {
            Arrays.fill(tags, EMPTY);
            return;
        }
        for (long b = first; b <= last; b++) {
            int line = lineOf(b);
            if (tags[line] == b) {
                tags[line] = EMPTY;
            }
        }
    }

    /** Drops everything (the array's copies were rewritten underneath, as by a repair). */
    public synchronized void clear() {
        record(0, Long.MAX_VALUE);
        Arrays.fill(tags, EMPTY);
    }

    /** Reads answered from the cache so far. */
    public synchronized long hits() {
        return hits;
    }

    /** Reads that had to go to the array so far. */
    public synchronized long misses() {
        return misses;
    }

    private void record(long first, long last) {
        int i = (int) (events & (EVENTS - 1));
        eventFirst[i] = first;
        eventLast[i] = last;
        events++;
    }

    private int lineOf(long block) {
        return (int) (block % lines);
    }

    private long lineAddress(int line) {
        return chunkAddress[line >>> CHUNK_SHIFT] + ((long) (line & CHUNK_MASK) << LINE_SHIFT);
    }

    /** Frees the memory; afterwards every read misses and fills are ignored. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Arrays.fill(tags, EMPTY);
            freeChunks();
        }
    }

    private void freeChunks() {
        for (NativeBuffer c : chunks) {
            if (c != null) {
                c.close();
            }
        }
    }
}
