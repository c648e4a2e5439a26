package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.*;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.internal.PrepChecks;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import io.uraid.io.nativeio.NativeDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * {@link IoEngine} over Linux io_uring (5.6+), driven from Java through raw system calls and
 * the shared rings (no liburing).
 *
 * <p>Every accepted operation takes a preallocated slot of an {@link OpTable}; the slot index is
 * the SQE's user_data. There are as many slots as CQ entries (twice the SQ size), so in-flight
 * operations never exceed the CQ and completions cannot overflow. Short reads and writes are
 * resubmitted from the slot until done (a read that returns 0 at end of file/device completes
 * with the bytes so far). The kernel ends a LINK chain at a short transfer: the remainder is
 * still completed, but the rest of the chain gets {@code -ECANCELED}.
 *
 * <p>Devices are put in a sparse registered-file table (IOSQE_FIXED_FILE); memory given to
 * {@link #registerBuffers} is used through READ_FIXED/WRITE_FIXED whenever an operation's range
 * lies inside it. Both fall back silently to plain descriptors/buffers when the kernel refuses.
 * The hot path (prep, submit, reap) allocates nothing.
 */
public final class IoUringEngine implements IoEngine {
    private static final Logger LOG = Logger.getLogger(IoUringEngine.class.getName());
    /** Registered-file slots reserved at setup; devices beyond that use plain descriptors. */
    static final int FILE_SLOTS = 64;

    private final UringRings rings;
    private final OpTable ops;
    private final SubmitQueue sq;
    private final CompletionQueue cq;
    private final FileTable files;
    private final FixedBuffers buffers;
    // Ring fields copied into finals of this class so the JIT keeps them in registers.
    private final int ringFd;
    private final long sqFlagsAddr;
    private long enterCalls;
    private boolean closed;
    /** Ends a blocking reap from another thread; null when the kernel gave no eventfd. */
    private final WakeEvent wake;

    /**
     * Sets up a ring of {@code entries} submission entries (rounded up to a power of two).
     *
     * @throws IOException with a one-line reason when io_uring is unavailable
     */
    public IoUringEngine(int entries) throws IOException {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("io_uring entries must be 1.." + MAX_ENTRIES + ": " + entries);
        }
        if (!LinuxNative.isAvailable()) {
            throw new IOException("io_uring: native calls unavailable: " + LinuxNative.unavailabilityCause());
        }
        this.rings = checkedRings(entries);
        this.ringFd = rings.ringFd;
        this.sqFlagsAddr = rings.sqFlags;
        this.ops = new OpTable(rings.cqEntries);
        this.sq = new SubmitQueue(rings, ops);
        this.files = new FileTable(ringFd, FILE_SLOTS);
        this.buffers = new FixedBuffers(ringFd);
        this.wake = WakeEvent.createOrNull();
        int wakeSlot = wake == null ? -1 : ops.alloc();
        if (wake != null) {
            ops.set(wakeSlot, OP_READ, 0, wake.fd(), 0, wake.readAddress(), 8, 0, -1L, -1);
        }
        this.cq = new CompletionQueue(rings, ops, sq, wakeSlot);
    }

    private static UringRings checkedRings(int entries) throws IOException {
        UringRings r = UringRings.create(entries);
        String missing = r.missingOpcodes();
        if (missing != null) {
            r.close();
            throw new IOException("io_uring: " + missing);
        }
        return r;
    }

    /**
     * Checks whether this process can use io_uring: returns null when it can, else a one-line
     * reason (kernel too old, blocked by seccomp, {@code kernel.io_uring_disabled}...).
     */
    public static String probe() {
        return UringProbe.probe();
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        if (closed) {
            throw new IOException(path + ": cannot open: io_uring engine is closed");
        }
        NativeDevice d = NativeDevice.open(path, options, files::remove);
        int index = files.add(d.fd());
        if (index >= 0) {
            d.setHandle(index);
        }
        return d;
    }

    @Override
    public boolean prepRead(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        return prepRw(device, OP_READ, offset, address, length, userData, flags, 0);
    }

    @Override
    public boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        return prepRw(device, OP_WRITE, offset, address, length, userData, flags,
                (flags & FUA) != 0 ? RWF_DSYNC : 0);
    }

    private boolean prepRw(BlockDevice device, int op, long offset, long address, int length, long userData,
                           int flags, int rwFlags) {
        NativeDevice d = nativeDevice(device);
        PrepChecks.readWrite(d, op == OP_READ ? "read" : "write", offset, address, length);
        return queue(op, d, flags, offset, address, length, rwFlags, userData, buffers.indexOf(address, length));
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long userData, int flags) {
        return queue(OP_FSYNC, nativeDevice(device), flags, 0, 0, 0, dataOnly ? FSYNC_DATASYNC : 0, userData, -1);
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long offset, long length, long userData, int flags) {
        NativeDevice d = nativeDevice(device);
        PrepChecks.discardRange(d, offset, length);
        if (d.isBlockDevice() && ((offset | length) & (d.logicalBlockSize() - 1)) != 0) {
            throw new IllegalArgumentException(d + ": misaligned discard: offset " + offset + " and length "
                    + length + " must be multiples of " + d.logicalBlockSize());
        }
        // FALLOCATE takes the mode in len and the byte count in addr: stored the same way here.
        return queue(OP_FALLOCATE, d, flags, offset, length, FALLOC_PUNCH_HOLE_KEEP_SIZE, 0, userData, -1);
    }

    /**
     * Takes an op slot for a caller's operation and queues its SQE; false when the SQ or the op
     * table is full. {@code buf}: its fixed-buffer index, or -1.
     */
    private boolean queue(int op, NativeDevice d, int flags, long offset, long address, int length, int opFlags,
                          long userData, int buf) {
        if (closed) {
            throw new IllegalStateException("io_uring engine is closed");
        }
        int slot = sq.full() ? -1 : ops.alloc();
        if (slot < 0) {
            return false;
        }
        ops.set(slot, op, sqeFlags(d, flags), fileRef(d), offset, address, length, opFlags, userData, buf);
        sq.push(slot, true);
        return true;
    }

    private static NativeDevice nativeDevice(BlockDevice device) {
        return PrepChecks.device(device, NativeDevice.class, "a native engine");
    }

    private int sqeFlags(NativeDevice d, int flags) {
        return (files.isRegistered(d.handle(), d.fd()) ? IOSQE_FIXED_FILE : 0)
                | ((flags & LINK) != 0 ? IOSQE_IO_LINK : 0);
    }

    private int fileRef(NativeDevice d) {
        return files.isRegistered(d.handle(), d.fd()) ? d.handle() : d.fd();
    }

    @Override
    public int available() {
        return Math.min(sqEntries() - sq.queued(), ops.free());
    }

    @Override
    public int inFlight() {
        return ops.inUse() - sq.callerQueued() - reservedSlots();
    }

    private int reservedSlots() {
        return wake == null ? 0 : 1;
    }

    /** Caller operations queued, in the kernel or waiting to resubmit a remainder. */
    private int callerOutstanding() {
        return cq.inKernel() + sq.queued() + sq.pendingCount() - (cq.wakeArmed() ? 1 : 0);
    }

    /**
     * Ends a blocking {@link #reap} soon, from any thread: one {@code write(2)} to an eventfd
     * whose read the engine keeps in the ring while it waits with nothing else to wait for.
     * Must not race with {@link #close()}.
     */
    @Override
    public void wakeup() {
        if (wake != null) {
            wake.signal();
        }
    }

    /**
     * True when this engine has its wake event: then a {@code reap(n > 0)} with no operation
     * outstanding blocks in the kernel until {@link #wakeup()} instead of returning at once.
     */
    @Override
    public boolean supportsWakeup() {
        return wake != null;
    }

    @Override
    public int submit() {
        if (closed) {
            throw new IllegalStateException("io_uring engine is closed");
        }
        return enter(0);
    }

    /**
     * Submits everything queued (remainders waiting for room go after the caller's SQEs) and,
     * when {@code wantComplete > 0}, waits in the same system call until the CQ holds that many
     * CQEs (capped at what can still arrive). Loops only on a partial submission.
     *
     * @return SQEs consumed by the kernel
     */
    private int enter(int wantComplete) {
        int total = 0;
        boolean waited = wantComplete <= 0;
        while (true) {
            sq.placePending();
            int toSubmit = sq.queued();
            int min = waited ? 0 : Math.min(wantComplete, cq.inKernel() + toSubmit);
            if (toSubmit == 0 && min == 0) {
                return total;
            }
            sq.publish();
            enterCalls++;
            int r = LinuxNative.ioUringEnter(ringFd, toSubmit, min, min > 0 ? ENTER_GETEVENTS : 0);
            if (r < 0) {
                if (r == -Errno.EINTR) {
                    continue;
                }
                if (r == -Errno.EAGAIN || r == -Errno.EBUSY) {
                    return total; // transient shortage: the caller reaps and comes back
                }
                throw new IllegalStateException("io_uring_enter failed: " + Errno.describe(r));
            }
            sq.consumed(r);
            cq.submitted(r);
            total += r;
            if (r < toSubmit) {
                // Without SUBMIT_ALL the kernel stops after an SQE that fails inline (its CQE
                // carries the error) and does not wait: go on with the rest.
                if (r == 0) {
                    return total;
                }
                continue;
            }
            waited = true;
            if (sq.pendingCount() == 0) {
                return total;
            }
        }
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        if (closed) {
            throw new IllegalStateException("io_uring engine is closed");
        }
        if (minComplete <= 0) {
            enter(0);
            int n = cq.drain(handler);
            if (n == 0 && (UnsafeAccess.getIntAcquire(sqFlagsAddr) & SQ_TASKRUN) != 0) {
                // COOP_TASKRUN: finished requests wait for us to enter the kernel to be posted.
                enterCalls++;
                LinuxNative.ioUringEnter(ringFd, 0, 0, ENTER_GETEVENTS);
                n = cq.drain(handler);
            }
            return n;
        }
        int delivered = 0;
        cq.clearWoke();
        // Only a reap that starts with nothing outstanding waits for wakeup(); one that runs out
        // of operations on the way returns, as it would without a wake event.
        boolean idleWait = wake != null && callerOutstanding() == 0;
        while (true) {
            int canArrive = callerOutstanding();
            if (canArrive == 0 && !idleWait) {
                return delivered;
            }
            int need = canArrive == 0 ? 1 : Math.min(minComplete - delivered, canArrive);
            int ready = cq.ready();
            if (ready < need && wake != null && !cq.wakeArmed() && !sq.tailLinked() && !sq.full()) {
                // About to block: keep the wake read in the ring so a producer with new work
                // need not wait for a completion (or, when idle, for anything at all).
                cq.armWake();
            }
            enter(ready >= need ? 0 : need);
            delivered += cq.drain(handler);
            if (delivered >= minComplete || cq.woke()) {
                return delivered;
            }
        }
    }

    /**
     * Registers {@code region} as the ring's fixed buffers (replacing any earlier region); must
     * be called while no operation is in flight. When the kernel refuses (typically
     * RLIMIT_MEMLOCK for unprivileged users) this logs a warning and plain reads and writes are
     * used, since fixed buffers only save CPU.
     */
    @Override
    public void registerBuffers(NativeBuffer region) throws IOException {
        registerBuffers(java.util.List.of(region));
    }

    /**
     * Registers {@code regions} as the ring's fixed buffers, replacing earlier ones; no operation
     * may be in flight (a wake read the engine keeps armed is retired first). When the kernel
     * refuses, the first refusal in this process is logged as a warning (later ones at FINE)
     * and plain reads and writes are used.
     */
    @Override
    public boolean registerBuffers(java.util.List<NativeBuffer> regions) throws IOException {
        if (closed) {
            throw new IOException("io_uring engine is closed");
        }
        if (ops.inUse() != reservedSlots()) {
            throw new IllegalStateException("registerBuffers needs an idle engine; "
                    + (ops.inUse() - reservedSlots()) + " ops pending");
        }
        disarmWake();
        if (regions.isEmpty()) {
            buffers.unregister();
            return false;
        }
        int r = buffers.register(regions);
        if (r < 0) {
            long bytes = regions.stream().mapToLong(NativeBuffer::capacity).sum();
            java.util.logging.Level level = REFUSAL_LOGGED.getAndSet(true) ? java.util.logging.Level.FINE
                    : java.util.logging.Level.WARNING;
            LOG.log(level, "io_uring: cannot register " + bytes + " bytes of fixed buffers: "
                    + FixedBuffers.describe(r) + "; using plain reads and writes");
        }
        return buffers.isRegistered();
    }

    /** The kernel refused fixed buffers once in this process (later refusals log quietly). */
    private static final java.util.concurrent.atomic.AtomicBoolean REFUSAL_LOGGED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Completes the wake read if it is armed (a registration needs a ring with nothing in flight). */
    private void disarmWake() {
        if (!cq.wakeArmed()) {
            return;
        }
        wake.signal();
        while (cq.wakeArmed()) {
            enter(1);
            cq.drain((userData, result) -> {
                throw new IllegalStateException("no operation may complete while buffers are registered");
            });
        }
    }

    /** True when {@link #registerBuffers} succeeded. */
    public boolean usesFixedBuffers() {
        return buffers.isRegistered();
    }

    /** True when devices go through the registered-file table. */
    public boolean usesRegisteredFiles() {
        return files.isActive();
    }

    /** How many SQEs were READ_FIXED/WRITE_FIXED (a diagnostic counter). */
    @Override
    public long fixedBufferOps() {
        return sq.fixedBufferOps();
    }

    /** How many io_uring_enter calls this engine made (a diagnostic counter: one per batch). */
    public long enterCalls() {
        return enterCalls;
    }

    /** Submission queue size (a power of two). */
    public int sqEntries() {
        return rings.sqEntries;
    }

    /** Completion queue size, which is also the maximum number of operations in flight. */
    public int cqEntries() {
        return ops.capacity();
    }

    /**
     * Tears the ring down. Operations still in the kernel are waited for (and dropped) first, so
     * the kernel never writes into memory the caller frees after this returns; prepared but
     * unsubmitted operations are dropped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cq.wakeArmed()) {
            wake.signal(); // the wake read must complete before the ring and its buffer go
        }
        cq.awaitAndDrop(ringFd);
        buffers.unregister();
        files.unregisterAll();
        rings.close();
        if (wake != null) {
            wake.close();
        }
    }
}
