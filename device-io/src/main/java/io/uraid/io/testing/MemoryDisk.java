package io.uraid.io.testing;

import io.uraid.io.internal.UnsafeAccess;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A simulated disk in Java heap memory with a volatile write cache, for tests.
 *
 * <p>The disk keeps two images: the <em>durable</em> one (what survives a power cut) and a
 * <em>volatile</em> overlay of writes not yet flushed. Reads see the overlay first. {@link #flush}
 * moves the overlay into the durable image; {@link #powerCut} throws the overlay away, as a real
 * disk loses its cache when the power goes. A FUA write goes to both images. With the write
 * cache off every write is durable at once.
 *
 * <p>Storage is sparse (4 KiB pages allocated on first write), so a test can have disks of
 * gigabytes while touching only megabytes. Unwritten bytes read as zeroes. All methods are
 * thread-safe (synchronized): an engine's thread writes while a test thread inspects.
 */
public final class MemoryDisk {
    static final int PAGE = 4096;

    private final long size;
    private final int logicalBlockSize;
    private final int physicalBlockSize;
    private final Map<Long, byte[]> durable = new HashMap<>();
    private final Map<Long, byte[]> cache = new HashMap<>();
    private boolean writeCache = true;
    private boolean discardSupported = true;
    private int maxTransferBytes = Integer.MAX_VALUE;
    private long flushes;
    private long powerCuts;

    /** A disk of {@code size} bytes (a multiple of 512) with 512-byte logical and 4096-byte physical blocks. */
    public MemoryDisk(long size) {
        this(size, 512, 4096);
    }

    public MemoryDisk(long size, int logicalBlockSize, int physicalBlockSize) {
        if (logicalBlockSize < 512 || Integer.bitCount(logicalBlockSize) != 1 || logicalBlockSize > PAGE) {
            throw new IllegalArgumentException("logical block size must be a power of two in 512..4096: "
                    + logicalBlockSize);
        }
        if (size < 0 || size % logicalBlockSize != 0) {
            throw new IllegalArgumentException("disk size must be a non-negative multiple of "
                    + logicalBlockSize + ": " + size);
        }
        this.size = size;
        this.logicalBlockSize = logicalBlockSize;
        this.physicalBlockSize = physicalBlockSize;
    }

    public long size() {
        return size;
    }

    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    public int physicalBlockSize() {
        return physicalBlockSize;
    }

    /** Turns the volatile write cache on (the default) or off (every write durable at once). */
    public synchronized MemoryDisk writeCache(boolean on) {
        if (!on) {
            flush();
        }
        writeCache = on;
        return this;
    }

    /** Whether discard works (true by default); when false a discard completes with EOPNOTSUPP. */
    public synchronized MemoryDisk discardSupported(boolean on) {
        discardSupported = on;
        return this;
    }

    public synchronized boolean discardSupported() {
        return discardSupported;
    }

    /** Sets the queue limit the disk reports as {@code BlockDevice.maxTransferBytes()} (none by default). */
    public synchronized MemoryDisk maxTransferBytes(int bytes) {
        maxTransferBytes = bytes;
        return this;
    }

    public synchronized int maxTransferBytes() {
        return maxTransferBytes;
    }

    /** Reads {@code length} bytes at {@code offset} into native memory; bytes past the end are not read. */
    public synchronized int read(long offset, long address, int length) {
        int n = (int) Math.max(0, Math.min(length, size - offset));
        int done = 0;
        while (done < n) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(PAGE - inPage, n - done);
            byte[] page = current(at / PAGE);
            if (page == null) {
                UnsafeAccess.setMemory(address + done, chunk, (byte) 0);
            } else {
                for (int i = 0; i < chunk; i++) {
                    UnsafeAccess.putByte(address + done + i, page[inPage + i]);
                }
            }
            done += chunk;
        }
        return n;
    }

    /** Writes {@code length} bytes from native memory at {@code offset} (within the disk). */
    public synchronized void write(long offset, long address, int length, boolean fua) {
        checkRange(offset, length);
        boolean durableNow = fua || !writeCache;
        for (int done = 0; done < length; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(PAGE - inPage, length - done);
            long pageNo = at / PAGE;
            if (!durableNow) {
                copyIn(cachePage(pageNo), inPage, address + done, chunk);
            } else {
                byte[] cached = cache.get(pageNo); // keep a cached copy of the page current
                if (cached != null) {
                    copyIn(cached, inPage, address + done, chunk);
                }
                copyIn(durable.computeIfAbsent(pageNo, p -> new byte[PAGE]), inPage, address + done, chunk);
            }
            done += chunk;
        }
    }

    /** Zeroes a range (both images when the write cache is off, else the overlay). */
    public synchronized void discard(long offset, long length) {
        checkRange(offset, length);
        for (long done = 0; done < length; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int chunk = (int) Math.min(PAGE - inPage, length - done);
            long pageNo = at / PAGE;
            if (writeCache) {
                Arrays.fill(cachePage(pageNo), inPage, inPage + chunk, (byte) 0);
            } else {
                byte[] page = durable.get(pageNo);
                if (page != null) {
                    Arrays.fill(page, inPage, inPage + chunk, (byte) 0);
                }
            }
            done += chunk;
        }
    }

    /** Makes every write so far durable (what fsync and a FLUSH do). */
    public synchronized void flush() {
        durable.putAll(cache);
        cache.clear();
        flushes++;
    }

    /** Simulates a power cut: every write not yet flushed is lost. */
    public synchronized void powerCut() {
        cache.clear();
        powerCuts++;
    }

    /** Bytes in 4 KiB pages written but not yet flushed. */
    public synchronized long unflushedBytes() {
        return (long) cache.size() * PAGE;
    }

    public synchronized long flushes() {
        return flushes;
    }

    public synchronized long powerCuts() {
        return powerCuts;
    }

    /** Copies {@code length} bytes at {@code offset} (as reads see them) into a new array. */
    public synchronized byte[] bytes(long offset, int length) {
        return copyOut(offset, length, false);
    }

    /** Copies bytes as they would be after a power cut now (the durable image only). */
    public synchronized byte[] durableBytes(long offset, int length) {
        return copyOut(offset, length, true);
    }

    /** Writes bytes straight to both images, bypassing any engine (for test setup). */
    public synchronized void put(long offset, byte[] data) {
        checkRange(offset, data.length);
        for (int done = 0; done < data.length; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(PAGE - inPage, data.length - done);
            long pageNo = at / PAGE;
            System.arraycopy(data, done, durable.computeIfAbsent(pageNo, p -> new byte[PAGE]), inPage, chunk);
            byte[] cached = cache.get(pageNo);
            if (cached != null) {
                System.arraycopy(data, done, cached, inPage, chunk);
            }
            done += chunk;
        }
    }

    private byte[] copyOut(long offset, int length, boolean durableOnly) {
        checkRange(offset, length);
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            long at = offset + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(PAGE - inPage, length - done);
            byte[] page = durableOnly ? durable.get(at / PAGE) : current(at / PAGE);
            if (page != null) {
                System.arraycopy(page, inPage, out, done, chunk);
            }
            done += chunk;
        }
        return out;
    }

    private byte[] current(long pageNo) {
        byte[] page = cache.get(pageNo);
        return page != null ? page : durable.get(pageNo);
    }

    private byte[] cachePage(long pageNo) {
        byte[] page = cache.get(pageNo);
        if (page == null) {
            byte[] base = durable.get(pageNo);
            page = base == null ? new byte[PAGE] : base.clone();
            cache.put(pageNo, page);
        }
        return page;
    }

    private static void copyIn(byte[] page, int inPage, long address, int length) {
        for (int i = 0; i < length; i++) {
            page[inPage + i] = UnsafeAccess.getByte(address + i);
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside a disk of " + size);
        }
    }
}
