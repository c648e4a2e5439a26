package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link IoEngine} over {@link MemoryDisk}s, for tests: same contract as the real engines
 * (alignment checks before submission, back-pressure, LINK chains that cancel the rest on
 * failure, short reads only at the end of a device), but the "devices" are in memory.
 *
 * <p>Disks are attached under a path; {@link #open} finds them by that path, and an exclusive
 * open of a disk already open exclusively is refused, like O_EXCL on a claimed block device.
 * Operations run in order when {@link #submit()} is called; their completions are delivered
 * by {@link #reap}. The same disks can be attached to a later engine (for example, to assemble
 * again after {@link #powerCut()}).
 */
public final class MemoryEngine implements IoEngine {
    static final byte READ = 0;
    static final byte WRITE = 1;
    static final byte FSYNC = 2;
    static final byte DISCARD = 3;

    private final Map<Path, MemoryDisk> disks = new ConcurrentHashMap<>();
    private final Map<MemoryDisk, Boolean> claimed = new ConcurrentHashMap<>();
    private final int entries;
    // Prepared operations, in order (parallel arrays: no allocation per operation).
    private final byte[] kind;
    private final MemoryDevice[] device;
    private final long[] offset;
    private final long[] address;
    private final long[] length;
    private final long[] userData;
    private final int[] flags;
    private int prepared;
    // Completions waiting to be reaped (a FIFO ring).
    private final long[] doneData;
    private final int[] doneResult;
    private int doneHead;
    private int doneCount;
    private int nextHandle;
    private boolean closed;

    /** An engine that holds at most {@code entries} operations prepared or in flight. */
    public MemoryEngine(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be positive: " + entries);
        }
        this.entries = entries;
        kind = new byte[entries];
        device = new MemoryDevice[entries];
        offset = new long[entries];
        address = new long[entries];
        length = new long[entries];
        userData = new long[entries];
        flags = new int[entries];
        doneData = new long[entries];
        doneResult = new int[entries];
    }

    /** Creates a disk of {@code size} bytes and attaches it under {@code path}. */
    public MemoryDisk createDisk(Path path, long size) {
        return attach(path, new MemoryDisk(size));
    }

    /** Attaches an existing disk under {@code path} (replacing what was there). */
    public MemoryDisk attach(Path path, MemoryDisk disk) {
        disks.put(path, disk);
        return disk;
    }

    /** The disk attached under {@code path}, or null. */
    public MemoryDisk disk(Path path) {
        return disks.get(path);
    }

    /** Cuts the power of every attached disk: unflushed writes are lost. */
    public void powerCut() {
        disks.values().forEach(MemoryDisk::powerCut);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        MemoryDisk disk = disks.get(path);
        if (disk == null) {
            throw new IOException(path + ": cannot open: no such file or directory");
        }
        if (options.exclusive() && claimed.putIfAbsent(disk, Boolean.TRUE) != null) {
            throw new IOException(path + ": cannot open: " + Errno.describe(Errno.EBUSY));
        }
        synchronized (this) {
            return new MemoryDevice(path, disk, options, nextHandle++, this);
        }
    }

    void release(MemoryDevice d) {
        if (d.exclusive) {
            claimed.remove(d.disk);
        }
    }

    @Override
    public boolean prepRead(BlockDevice dev, long off, long addr, int len, long data, int fl) {
        checkAligned(dev, off, len, addr, "read");
        return prep(READ, dev, off, addr, len, data, fl);
    }

    @Override
    public boolean prepWrite(BlockDevice dev, long off, long addr, int len, long data, int fl) {
        checkAligned(dev, off, len, addr, "write");
        return prep(WRITE, dev, off, addr, len, data, fl);
    }

    @Override
    public boolean prepFsync(BlockDevice dev, boolean dataOnly, long data, int fl) {
        return prep(FSYNC, dev, 0, 0, 0, data, fl);
    }

    @Override
    public boolean prepDiscard(BlockDevice dev, long off, long len, long data, int fl) {
        int bs = dev.logicalBlockSize();
        if (off < 0 || len < 0) {
            throw new IllegalArgumentException(dev + ": negative discard range: " + off + ", " + len);
        }
        if (off % bs != 0 || len % bs != 0) {
            throw new IllegalArgumentException(dev + ": misaligned discard: offset " + off + " and length "
                    + len + " must be multiples of " + bs);
        }
        return prep(DISCARD, dev, off, 0, len, data, fl);
    }

    private static void checkAligned(BlockDevice dev, long off, int len, long addr, String what) {
        if (off < 0 || len < 0) {
            throw new IllegalArgumentException(dev + ": negative offset or length: " + off + ", " + len);
        }
        int bs = dev.logicalBlockSize();
        if (off % bs != 0 || len % bs != 0 || addr % bs != 0) {
            throw new IllegalArgumentException(dev + ": misaligned O_DIRECT " + what + ": offset " + off
                    + ", length " + len + " and buffer address must be multiples of " + bs);
        }
    }

    private boolean prep(byte k, BlockDevice dev, long off, long addr, long len, long data, int fl) {
        if (!(dev instanceof MemoryDevice) || ((MemoryDevice) dev).engine != this) {
            throw new IllegalArgumentException(dev + ": not opened by this memory engine");
        }
        if (closed) {
            throw new IllegalStateException("memory engine is closed");
        }
        if (available() == 0) {
            return false;
        }
        int i = prepared++;
        kind[i] = k;
        device[i] = (MemoryDevice) dev;
        offset[i] = off;
        address[i] = addr;
        length[i] = len;
        userData[i] = data;
        flags[i] = fl;
        return true;
    }

    @Override
    public int available() {
        return entries - prepared - doneCount;
    }

    @Override
    public int inFlight() {
        return doneCount;
    }

    /** Runs every prepared operation in order; a failed LINK operation cancels the rest of its chain. */
    @Override
    public int submit() {
        int n = prepared;
        boolean cancelChain = false;
        for (int i = 0; i < n; i++) {
            int result;
            if (cancelChain) {
                result = -Errno.ECANCELED;
            } else {
                result = execute(i);
            }
            boolean linked = (flags[i] & LINK) != 0;
            boolean failed = result < 0 || ((kind[i] == READ || kind[i] == WRITE) && result < length[i]);
            cancelChain = linked && (cancelChain || failed);
            complete(userData[i], result);
            device[i] = null;
        }
        prepared = 0;
        return n;
    }

    private int execute(int i) {
        MemoryDevice d = device[i];
        if (d.closed) {
            return -Errno.EBADF;
        }
        MemoryDisk disk = d.disk;
        long off = offset[i];
        long len = length[i];
        switch (kind[i]) {
            case READ:
                return off >= disk.size() ? 0 : disk.read(off, address[i], (int) len);
            case WRITE:
                if (d.readOnly) {
                    return -Errno.EBADF;
                }
                if (off + len > disk.size()) {
                    return -Errno.ENOSPC;
                }
                disk.write(off, address[i], (int) len, (flags[i] & FUA) != 0);
                return (int) len;
            case FSYNC:
                disk.flush();
                return 0;
            case DISCARD:
                if (d.readOnly) {
                    return -Errno.EBADF;
                }
                if (!disk.discardSupported()) {
                    return -Errno.EOPNOTSUPP;
                }
                if (off + len > disk.size()) {
                    return -Errno.EINVAL;
                }
                disk.discard(off, len);
                return 0;
            default:
                throw new AssertionError(kind[i]);
        }
    }

    private void complete(long data, int result) {
        int tail = (doneHead + doneCount) % entries;
        doneData[tail] = data;
        doneResult[tail] = result;
        doneCount++;
    }

    /** Never blocks: every submitted operation is already complete, so all are delivered at once. */
    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        submit();
        int n = doneCount;
        for (int i = 0; i < n; i++) {
            long data = doneData[doneHead];
            int result = doneResult[doneHead];
            doneHead = (doneHead + 1) % entries;
            doneCount--;
            handler.onComplete(data, result);
        }
        return n;
    }

    @Override
    public void registerBuffers(NativeBuffer region) {
        // Nothing to register in memory.
    }

    @Override
    public void close() {
        closed = true;
    }
}
