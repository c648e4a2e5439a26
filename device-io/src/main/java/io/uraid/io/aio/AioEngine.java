package io.uraid.io.aio;

import static io.uraid.io.internal.OpSlots.*;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.internal.IntDeque;
import io.uraid.io.internal.SlotEngine;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import io.uraid.io.nativeio.NativeDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link IoEngine} on Linux kernel AIO, driven with the raw io_setup/io_submit/io_getevents
 * system calls (no libaio.so). Devices are {@link NativeDevice}s.
 *
 * <p>What differs from io_uring, and how the {@link IoEngine} contract is still met:
 * <ul>
 * <li>Kernel AIO has no links. A linked chain is held in user space: each member is handed to
 *     the kernel only after its predecessor completed in full; when one fails (an error, or a
 *     transfer shorter than asked) the rest of the chain completes with {@code -ECANCELED}.</li>
 * <li>FUA writes carry {@code RWF_DSYNC} in {@code aio_rw_flags} (kernel 4.13+).</li>
 * <li>fsync uses {@code IOCB_CMD_FSYNC}/{@code FDSYNC} (kernel 4.18+). If io_submit refuses them
 *     with EINVAL, the engine switches for good to a synchronous fsync(2)/fdatasync(2) run on the
 *     issuer thread when the operation becomes ready.</li>
 * <li>Discard is fallocate(PUNCH_HOLE|KEEP_SIZE), run synchronously on the issuer thread
 *     (kernel AIO has no discard opcode); devices that cannot do it give {@code -EOPNOTSUPP}.</li>
 * <li>Only O_DIRECT I/O is truly asynchronous: buffered I/O completes inside io_submit.</li>
 * <li>io_submit may accept fewer operations than offered; the rest stay queued in order and are
 *     offered again by the next {@link #submit()} or {@link #reap}.</li>
 * </ul>
 * iocbs, the iocb pointer array and the event array live in one native block allocated by the
 * constructor; an operation is a slot index (the iocb's {@code aio_data}), so the hot path does
 * not allocate. Not thread-safe: one issuer thread, as the interface says.
 */
public final class AioEngine extends SlotEngine<NativeDevice> {
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    /** One process-wide pool, fs.aio-max-nr (65536 by default), caps every io_setup. */
    private static final int MAX_ENTRIES = 32768;


    private final int entries;
    private final NativeBuffer mem;
    private final long iocbs;
    private final long iocbPtrs;
    private final long events;
    private final long ctx;

    private final int[] done;
    private final int[] batch;
    private final IntDeque ready;
    private final IntDeque completed;

    private int inKernel;
    private boolean kernelFsync = true;
    private long submitCalls;

    /**
     * Creates a kernel AIO context for {@code entries} concurrent operations.
     *
     * @throws UncheckedIOException when io_setup fails (see {@link #probe()})
     */
    public AioEngine(int entries) {
        super(entries, MAX_ENTRIES, NativeDevice.class, "a native engine");
        this.entries = entries;
        long iocbBytes = (long) entries * Iocb.SIZE;
        long ptrBytes = (long) entries * 8;
        long eventBytes = (long) entries * Iocb.EVENT_SIZE;
        mem = NativeBuffer.allocate((int) (iocbBytes + ptrBytes + eventBytes + 8));
        iocbs = mem.address();
        iocbPtrs = iocbs + iocbBytes;
        events = iocbPtrs + ptrBytes;
        long ctxAddress = events + eventBytes;
        int r = LinuxNative.ioSetup(entries, ctxAddress);
        if (r < 0) {
            mem.close();
            throw new UncheckedIOException(new IOException("libaio: io_setup(" + entries + ") failed: "
                    + Errno.describe(r) + (r == -Errno.EAGAIN ? " (fs.aio-max-nr exhausted)" : "")));
        }
        ctx = UnsafeAccess.getLong(ctxAddress);
        done = new int[entries];
        batch = new int[entries];
        ready = new IntDeque(entries);
        completed = new IntDeque(entries);
    }

    @Override
    protected void start(int slot) {
        ready.addLast(slot);
    }

    @Override
    protected void canceled(int slot) {
        completed.addLast(slot);
    }

    /** Null when kernel AIO can be used here, else a one-line reason. */
    public static String probe() {
        return AioProbe.probe();
    }

    @Override
    public String name() {
        return "libaio";
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        return NativeDevice.open(path, options, null);
    }

    /** Also refuses an empty transfer (the other engines let one complete with 0 bytes). */
    @Override
    protected NativeDevice checkRw(BlockDevice device, long off, long addr, int len, String what) {
        NativeDevice d = super.checkRw(device, off, addr, len, what);
        if (len == 0) {
            throw new IllegalArgumentException(d + ": empty " + what + " at " + off);
        }
        return d;
    }

    /** fallocate(2) refuses an empty range: refused here, before it takes a slot. */
    @Override
    protected NativeDevice checkDiscard(BlockDevice device, long off, long len) {
        NativeDevice d = super.checkDiscard(device, off, len);
        if (len == 0) {
            throw new IllegalArgumentException(d + ": empty discard range at " + off);
        }
        return d;
    }

    @Override
    public int submit() {
        int n = chains.submit();
        inFlight += n;
        pushReady();
        return n;
    }

    /** Offers every ready operation to the kernel (or runs it inline), keeping refused ones queued in order. */
    private void pushReady() {
        while (!ready.isEmpty()) {
            int k = 0;
            for (int rounds = ready.size(); rounds > 0; rounds--) {
                int s = ready.pollFirst();
                byte op = slots.op[s];
                if (op == OP_DISCARD || (!kernelFsync && (op == OP_FSYNC || op == OP_FDATASYNC))) {
                    finish(s, runInline(s));
                    continue;
                }
                writeIocb(s);
                UnsafeAccess.putLong(iocbPtrs + 8L * k, iocbs + (long) Iocb.SIZE * s);
                batch[k++] = s;
            }
            if (k == 0) {
                continue;
            }
            submitCalls++;
            int r = LinuxNative.ioSubmit(ctx, k, iocbPtrs);
            if (r > 0) {
                inKernel += r;
                requeueFront(r, k);
                continue;
            }
            if (r == 0 || r == -Errno.EAGAIN) {
                // Kernel out of resources: retry once some of ours complete.
                requeueFront(0, k);
                return;
            }
            // The first iocb was refused outright; it gets the error, the rest are offered again.
            int bad = batch[0];
            requeueFront(1, k);
            if (r == -Errno.EINVAL && kernelFsync && (slots.op[bad] == OP_FSYNC || slots.op[bad] == OP_FDATASYNC)) {
                kernelFsync = false;
                ready.addFirst(bad);
            } else {
                finish(bad, r);
            }
        }
    }

    private void requeueFront(int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            ready.addFirst(batch[i]);
        }
    }

    private int runInline(int s) {
        int fd = dev[s].fd();
        if (slots.op[s] == OP_DISCARD) {
            int r = LinuxNative.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, slots.offset[s],
                    slots.length[s]);
            return Math.min(r, 0);
        }
        return Math.min(LinuxNative.fsync(fd, slots.op[s] == OP_FDATASYNC), 0);
    }

    private void writeIocb(int s) {
        boolean rw = slots.isTransfer(s);
        Iocb.write(iocbs + (long) Iocb.SIZE * s, s, slots.op[s], (slots.flags[s] & FUA) != 0, dev[s].fd(),
                rw ? slots.address[s] + done[s] : 0, rw ? slots.length[s] - done[s] : 0,
                rw ? slots.offset[s] + done[s] : 0);
    }

    /** A kernel completion: resubmit the rest of a short transfer, or finish the operation. */
    private void onKernelResult(int s, long res) {
        boolean rw = slots.isTransfer(s);
        if (!rw || res < 0) {
            finish(s, (int) res);
            return;
        }
        int total = done[s] + (int) res;
        if (res > 0 && total < slots.length[s]) {
            done[s] = total;
            // A direct read that stops off a block boundary hit the end of a file: nothing more to read.
            boolean eofTail = slots.op[s] == OP_READ && dev[s].isDirect() && total % dev[s].logicalBlockSize() != 0;
            if (!eofTail) {
                ready.addLast(s);
                return;
            }
        }
        if (res == 0 && slots.op[s] == OP_WRITE && total < slots.length[s]) {
            finish(s, -Errno.EIO);
            return;
        }
        finish(s, total);
    }

    /** Records a final result and releases or cancels the rest of its chain. */
    private void finish(int s, int res) {
        result[s] = res;
        completed.addLast(s);
        chains.finished(s, slots.complete(s, res));
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int delivered = 0;
        // Bounded: once minComplete is met, one more non-blocking pass and out. (Looping while
        // events keep arriving never returned when the handler re-prepares on a fast device.)
        for (int pass = 0; ; pass++) {
            submit();
            delivered += deliver(handler);
            boolean block = delivered < minComplete;
            if (!block && pass > 0) {
                break;
            }
            if (inKernel == 0) {
                if (chains.preparedCount() > 0 || !completed.isEmpty()) {
                    continue;
                }
                if (!block || ready.isEmpty()) {
                    break;
                }
                // io_submit said EAGAIN with nothing of ours in the kernel: the shortage is elsewhere.
                LockSupport.parkNanos(100_000);
                continue;
            }
            if (getEvents(block ? 1 : 0) == 0 && !block) {
                break;
            }
        }
        submit(); // what the handler prepared goes out now
        return delivered;
    }

    private int getEvents(int min) {
        int n = LinuxNative.ioGetEvents(ctx, min, entries, events);
        if (n == -Errno.EINTR) {
            return 0;
        }
        if (n < 0) {
            throw new IllegalStateException("io_getevents failed: " + Errno.describe(n));
        }
        for (int i = 0; i < n; i++) {
            long e = events + (long) Iocb.EVENT_SIZE * i;
            inKernel--;
            onKernelResult((int) Iocb.eventData(e), Iocb.eventResult(e));
        }
        return n;
    }

    private int deliver(CompletionHandler handler) {
        int n = 0;
        while (!completed.isEmpty()) {
            int s = completed.pollFirst();
            long ud = slots.userData[s];
            int r = result[s];
            dev[s] = null;
            done[s] = 0; // the next operation in this slot starts from nothing transferred
            slots.release(s);
            inFlight--;
            n++;
            handler.onComplete(ud, r);
        }
        return n;
    }

    /** How many io_submit calls this engine made (a diagnostic counter: one per batch). */
    public long submitCalls() {
        return submitCalls;
    }

    /** For tests: force the synchronous fsync fallback, as on kernels without IOCB_CMD_FSYNC. */
    void disableKernelFsync() {
        kernelFsync = false;
    }

    /** True while fsync goes through IOCB_CMD_FSYNC/FDSYNC rather than the synchronous fallback. */
    boolean usesKernelFsync() {
        return kernelFsync;
    }

    /** Destroys the context; io_destroy waits for operations still in the kernel. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LinuxNative.ioDestroy(ctx);
            mem.close();
        }
    }
}
