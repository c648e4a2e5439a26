package io.uraid.perf.bench;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline: the members driven directly, as one target. Requests go whole to one member,
 * spread over the members in units of {@code unit} bytes (round robin, like a stripe that never
 * splits a request), through the same engine, the same kind of Disruptor ring and the same
 * single issuing thread an array uses, so the difference to an array is the array's own work.
 *
 * <p>Owns the engine and the devices from construction to {@link #close()}.
 */
public final class RawTarget implements BlockTarget, AutoCloseable {
    /** One member's part: {@code length} bytes from {@code start}. */
    public record Region(BlockDevice device, long start, long length) {
    }

    private static final byte READ = 0;
    private static final byte WRITE = 1;
    private static final int RING = 1024;
    private static final long SPIN_NANOS = 50_000;

    private static final class Slot {
        byte op;
        long offset;
        int length;
        long address;
        IoCallback callback;
        long tag;
    }

    private final IoEngine engine;
    private final BlockDevice[] devices;
    private final long[] starts;
    private final long unit;
    private final long size;
    private final int blockSize;
    private final RingBuffer<Slot> ring = RingBuffer.createMultiProducer(Slot::new, RING);
    private final EventPoller<Slot> poller = ring.newPoller();
    private final EventPoller.Handler<Slot> take = this::take;
    private final CompletionHandler completer = this::completed;
    private final IoCallback[] callbacks;
    private final long[] tags;
    private final int[] lengths;
    private final int[] freeRecords;
    private int freeCount;
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile boolean closed;

    /**
     * @param engine  the engine (entries = the most requests in flight); owned from now on
     * @param regions the members' parts, all used to the length of the shortest
     * @param unit    bytes sent to one member before moving to the next (a multiple of every
     *                request's size and alignment)
     */
    public RawTarget(IoEngine engine, List<Region> regions, long unit, int engineEntries) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no raw devices given");
        }
        this.engine = engine;
        this.devices = new BlockDevice[regions.size()];
        this.starts = new long[regions.size()];
        long shortest = Long.MAX_VALUE;
        int bs = 512;
        for (int i = 0; i < devices.length; i++) {
            Region r = regions.get(i);
            devices[i] = r.device();
            starts[i] = r.start();
            shortest = Math.min(shortest, r.length());
            bs = Math.max(bs, r.device().logicalBlockSize());
        }
        if (unit <= 0 || unit % bs != 0) {
            throw new IllegalArgumentException("raw unit must be a positive multiple of " + bs + ": " + unit);
        }
        this.unit = unit;
        this.blockSize = bs;
        this.size = shortest / unit * unit * devices.length;
        if (size == 0) {
            throw new IllegalArgumentException("raw devices are smaller than one unit of " + unit + " bytes");
        }
        callbacks = new IoCallback[engineEntries];
        tags = new long[engineEntries];
        lengths = new int[engineEntries];
        freeRecords = new int[engineEntries];
        for (int i = 0; i < engineEntries; i++) {
            freeRecords[freeCount++] = i;
        }
        ring.addGatingSequences(poller.getSequence());
        thread = new Thread(this::run, "uraid-raw");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** The members, in order. */
    public int memberCount() {
        return devices.length;
    }

    @Override
    public void read(long offset, int length, long address, IoCallback callback, long tag) {
        submit(READ, offset, length, address, callback, tag);
    }

    @Override
    public void write(long offset, int length, long address, int flags, IoCallback callback, long tag) {
        submit(WRITE, offset, length, address, callback, tag);
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        callback.done(tag, -Errno.EOPNOTSUPP); // the bench never flushes the baseline
    }

    @Override
    public void discard(long offset, long length, IoCallback callback, long tag) {
        callback.done(tag, -Errno.EOPNOTSUPP);
    }

    private void submit(byte op, long offset, int length, long address, IoCallback cb, long tag) {
        if (closed) {
            cb.done(tag, -Errno.ESHUTDOWN);
            return;
        }
        if (offset < 0 || length <= 0 || offset % blockSize != 0 || length % blockSize != 0
                || offset + length > size || offset % unit + length > unit) {
            cb.done(tag, -Errno.EINVAL);
            return;
        }
        long seq = ring.next();
        Slot s = ring.get(seq);
        s.op = op;
        s.offset = offset;
        s.length = length;
        s.address = address;
        s.callback = cb;
        s.tag = tag;
        ring.publish(seq);
        if (sleeping) {
            engine.wakeup();
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!stopping || engine.inFlight() > 0 || ringHasWork()) {
            int work = poll() + engine.reap(0, completer);
            if (work == 0) {
                idle();
            }
        }
    }

    private int poll() {
        if (freeCount == 0 || engine.available() == 0) {
            return 0;
        }
        try {
            return poller.poll(take) == EventPoller.PollState.PROCESSING ? 1 : 0;
        } catch (Exception e) {
            throw new IllegalStateException("raw target: failed to take a request", e);
        }
    }

    private boolean take(Slot s, long sequence, boolean endOfBatch) {
        int rec = freeRecords[--freeCount];
        callbacks[rec] = s.callback;
        tags[rec] = s.tag;
        lengths[rec] = s.length;
        s.callback = null;
        long stripe = s.offset / unit;
        int m = (int) (stripe % devices.length);
        long at = starts[m] + stripe / devices.length * unit + s.offset % unit;
        boolean ok = s.op == READ
                ? engine.prepRead(devices[m], at, s.address, s.length, rec, 0)
                : engine.prepWrite(devices[m], at, s.address, s.length, rec, 0);
        if (!ok) {
            throw new IllegalStateException("engine refused an operation with room available");
        }
        return freeCount > 0 && engine.available() > 0;
    }

    private void completed(long userData, int result) {
        int rec = (int) userData;
        IoCallback cb = callbacks[rec];
        long tag = tags[rec];
        int status = result == lengths[rec] ? 0 : result < 0 ? result : -Errno.EIO;
        callbacks[rec] = null;
        freeRecords[freeCount++] = rec;
        cb.done(tag, status);
    }

    private boolean ringHasWork() {
        return ring.getCursor() > poller.getSequence().get();
    }

    private void idle() {
        long until = System.nanoTime() + SPIN_NANOS;
        while (System.nanoTime() < until) {
            if (ringHasWork() || engine.reap(0, completer) > 0 || stopping) {
                return;
            }
            Thread.onSpinWait();
        }
        sleeping = true;
        try {
            if (ringHasWork() || stopping) {
                return;
            }
            if (engine.supportsWakeup()) {
                engine.reap(1, completer);
            } else if (engine.inFlight() > 0) {
                engine.reap(0, completer);
            } else {
                LockSupport.parkNanos(this, 1_000_000);
            }
        } finally {
            sleeping = false;
        }
    }

    /** Finishes what is in flight, then closes the devices and the engine. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        engine.wakeup();
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException first = null;
        for (BlockDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        engine.close();
        if (first != null) {
            throw first;
        }
    }
}
