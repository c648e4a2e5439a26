package io.uraid.io.portable;

import static io.uraid.io.internal.OpSlots.*;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.internal.IntDeque;
import io.uraid.io.internal.IntQueue;
import io.uraid.io.internal.SlotEngine;
import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link IoEngine} in pure Java: positional {@link FileChannel} reads and writes (with
 * {@code ExtendedOpenOption.DIRECT}) run by a small pool of worker threads, so uraid runs wherever
 * Java runs, only slower.
 *
 * <p>The issuer prepares operations into preallocated slots; {@link #submit()} hands the ready
 * ones to the workers through a bounded queue of slot indexes, and workers hand finished slots
 * back the same way. A linked chain is held in user space, as in the libaio engine: a member is
 * given to a worker only after its predecessor completed in full, and the rest of a chain whose
 * member failed (an error or a short transfer) completes with {@code -ECANCELED}. Each worker
 * carries operations in one direct buffer object re-pointed at the caller's memory, so no
 * operation allocates. A lone operation submitted while nothing else runs is done on the issuer
 * thread, as a synchronous pread would be. Discard completes with {@code -EOPNOTSUPP}: Java cannot punch holes.
 */
public final class PortableEngine extends SlotEngine<PortableDevice> {
    private static final int MAX_ENTRIES = 32768;
    private static final int MAX_WORKERS = 4;
    private static final int POISON = -1;

    /** Slots the issuer completed itself (canceled chain members, inline runs), delivered before waiting. */
    private final IntDeque local;
    private final IntQueue work;
    private final IntQueue done;
    private final Thread[] workers;
    private final ByteBuffer carrierMemory = ByteBuffer.allocateDirect(16);
    private final ByteBuffer issuerCarrier = carrierMemory.duplicate();
    private final AtomicInteger handles = new AtomicInteger();

    private long submitCalls;

    /** An engine for {@code entries} concurrent operations, with up to four worker threads. */
    public PortableEngine(int entries) {
        super(entries, MAX_ENTRIES, PortableDevice.class, "the portable engine");
        local = new IntDeque(entries);
        workers = new Thread[Math.min(entries, MAX_WORKERS)];
        work = new IntQueue(entries + workers.length);
        done = new IntQueue(entries);
        for (int i = 0; i < workers.length; i++) {
            ByteBuffer carrier = carrierMemory.duplicate();
            workers[i] = new Thread(() -> workLoop(carrier), "uraid-portable-io-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    @Override
    protected void start(int slot) {
        work.put(slot);
    }

    @Override
    protected void canceled(int slot) {
        local.addLast(slot);
    }

    /** Null: the portable engine runs wherever Java runs. */
    public static String probe() {
        return null;
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        if (closed) {
            throw new IOException(path + ": cannot open: portable engine is closed");
        }
        return PortableDevice.open(path, options, handles.getAndIncrement());
    }

    @Override
    public int submit() {
        if (closed) {
            throw new IllegalStateException("portable engine is closed");
        }
        if (chains.preparedCount() == 0) {
            return 0;
        }
        submitCalls++;
        // A lone operation with nothing else running gains nothing from a worker: run it here,
        // like a synchronous pread (two thread hand-offs cost more than the I/O on fast devices).
        int s = inFlight == 0 ? chains.takeSole() : -1;
        if (s >= 0) {
            result[s] = execute(s, issuerCarrier);
            local.addLast(s);
            inFlight = 1;
            return 1;
        }
        int n = chains.submit();
        inFlight += n;
        return n;
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int delivered = 0;
        while (true) {
            // What the caller or the handler prepared goes out as one batch, never between deliveries:
            // an inline run would otherwise feed this loop forever.
            submit();
            for (int s = nextReady(); s >= 0; s = nextReady()) {
                delivered += deliver(s, handler);
            }
            if (delivered >= minComplete || inFlight == 0) {
                submit();
                return delivered;
            }
            if (chains.preparedCount() == 0) {
                delivered += deliver(done.take(), handler);
            }
        }
    }

    private int nextReady() {
        return local.isEmpty() ? done.poll() : local.pollFirst();
    }

    private void workLoop(ByteBuffer carrier) {
        while (true) {
            int s = work.take();
            if (s == POISON) {
                return;
            }
            result[s] = execute(s, carrier); // written before the slot is queued on done, read by the issuer after
            done.put(s);
        }
    }

    private int execute(int s, ByteBuffer carrier) {
        FileChannel ch = dev[s].channel();
        try {
            switch (slots.op[s]) {
                case OP_READ:
                case OP_WRITE:
                    return transfer(ch, s, carrier);
                case OP_FSYNC:
                case OP_FDATASYNC:
                    ch.force(slots.op[s] == OP_FSYNC);
                    return 0;
                default:
                    return -Errno.EOPNOTSUPP;
            }
        } catch (NonWritableChannelException | NonReadableChannelException | ClosedChannelException e) {
            return -Errno.EBADF;
        } catch (IOException | RuntimeException e) {
            return errno(e);
        }
    }

    /** Loops over short transfers; a read stops early only at the end of the file or device. */
    private int transfer(FileChannel ch, int s, ByteBuffer carrier) throws IOException {
        int len = (int) slots.length[s];
        UnsafeAccess.retarget(carrier, slots.address[s], len);
        try {
            long pos = slots.offset[s];
            while (carrier.hasRemaining()) {
                int n = slots.op[s] == OP_READ ? ch.read(carrier, pos + carrier.position())
                        : ch.write(carrier, pos + carrier.position());
                if (n <= 0) {
                    if (slots.op[s] == OP_WRITE) {
                        return -Errno.EIO;
                    }
                    break;
                }
                if (slots.op[s] == OP_READ && dev[s].isDirect()
                        && carrier.position() % dev[s].logicalBlockSize() != 0) {
                    break; // a direct read that stops off a block boundary hit the end of the file
                }
            }
            if (slots.op[s] == OP_WRITE && (slots.flags[s] & FUA) != 0) {
                ch.force(false); // FileChannel has no RWF_DSYNC: make the write durable before completing
            }
            return carrier.position();
        } finally {
            UnsafeAccess.retarget(carrier, UnsafeAccess.addressOf(carrierMemory), 0);
        }
    }

    /** Best-effort errno from the JDK's message ("Invalid argument", "No space left on device"). */
    private static int errno(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Invalid argument")) {
            return -Errno.EINVAL;
        }
        if (m.contains("No space left")) {
            return -Errno.ENOSPC;
        }
        return -Errno.EIO;
    }

    /** How many {@link #submit()} calls handed operations to the workers (a diagnostic counter). */
    public long submitCalls() {
        return submitCalls;
    }

    /** Waits for operations still running, then stops the workers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        // Let running operations finish so no worker touches memory the caller frees next.
        while (inFlight > 0) {
            reap(1, (u, r) -> { });
        }
        closed = true;
        for (int i = 0; i < workers.length; i++) {
            work.put(POISON);
        }
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        UnsafeAccess.free(carrierMemory);
    }
}
