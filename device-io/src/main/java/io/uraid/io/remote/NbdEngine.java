package io.uraid.io.remote;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.internal.IntDeque;
import io.uraid.io.internal.IntQueue;
import io.uraid.io.internal.SlotEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * An {@link IoEngine} whose devices are NBD exports ({@link NbdPath}): remote members. The
 * issuer prepares operations into preallocated slots as on any engine; {@link #submit()} hands
 * each to a connection of its device ({@link NbdLink}), whose sender thread writes the request
 * (the WRITE payload straight from the caller's memory) and whose receiver thread reads the
 * reply (READ data straight into the caller's memory) and queues the slot for {@link #reap}.
 * An operation longer than the server's largest payload goes out in parts, one after another;
 * a FUA write to a server without FUA is followed by a FLUSH. Allocation-free per operation.
 *
 * <p>Completions wake a reap blocked here; when this engine runs beside a local one
 * ({@link io.uraid.io.RoutingEngine}), {@link #onCompletion} lets the local engine's blocking
 * reap be woken instead. A watchdog fails a device whose requests stay unanswered longer than
 * its URI's timeout, so a member behind a dead link fails instead of hanging its array.
 */
public final class NbdEngine extends SlotEngine<NbdDevice> {
    private static final int MAX_ENTRIES = 32768;
    /** A token in {@link #done} that only wakes the issuer. */
    private static final int WAKE = -2;

    private final IntQueue done;
    private final IntDeque local;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile Runnable onCompletion;
    private final AtomicInteger handles = new AtomicInteger();
    private final AtomicInteger linkIds = new AtomicInteger();
    /** Per slot: the part of its operation to send next (advanced by the connection that has it). */
    final int[] part;
    /** Per slot: the bytes it covers on the wire (a read is cut at the end of the export). */
    final long[] span;
    /** Per slot: the id of the connection that has it on the wire, 0 when none. */
    final AtomicIntegerArray onWire;
    /** Per slot: when its current part was sent (System.nanoTime). */
    final long[] sentNanos;
    final Set<NbdDevice> devices = ConcurrentHashMap.newKeySet();
    private final NbdWatchdog watchdog = new NbdWatchdog(this);

    public NbdEngine(int entries) {
        super(entries, MAX_ENTRIES, NbdDevice.class, "the NBD engine");
        done = new IntQueue(entries + 1);
        local = new IntDeque(entries);
        part = new int[entries];
        span = new long[entries];
        onWire = new AtomicIntegerArray(entries);
        sentNanos = new long[entries];
    }

    @Override
    public String name() {
        return "nbd";
    }

    /** Opens the export {@code path} names ({@link NbdPath}); connects, and claims it when exclusive. */
    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        if (closed) {
            throw new IOException(path + ": cannot open: NBD engine is closed");
        }
        if (!(path instanceof NbdPath)) {
            throw new IOException(path + ": not an NBD URI (nbd://HOST/EXPORT, nbds://..., nbd+unix:///EXPORT?socket=P)");
        }
        NbdDevice d = NbdDevice.open(this, (NbdPath) path, options, handles.getAndIncrement());
        devices.add(d);
        watchdog.ensureRunning();
        return d;
    }

    int nextLinkId() {
        return linkIds.incrementAndGet();
    }

    /** The operations' slots (the connections read what to send from them). */
    io.uraid.io.internal.OpSlots ops() {
        return slots;
    }

    int entries() {
        return part.length;
    }

    /** {@code runnable} runs on a connection's thread after each completion it queues (the router's wake-up). */
    public void onCompletion(Runnable runnable) {
        this.onCompletion = runnable;
    }

    @Override
    protected void start(int slot) {
        dev[slot].start(slot);
    }

    @Override
    protected void canceled(int slot) {
        local.addLast(slot);
    }

    /** Completes {@code slot} on the issuer thread: it never went to a connection. */
    void completeNow(int slot, int res) {
        result[slot] = res;
        local.addLast(slot);
    }

    /** A connection finished {@code slot} (its thread). */
    void completed(int slot, int res) {
        result[slot] = res; // written before the slot is queued on done, read by the issuer after
        done.put(slot);
        Runnable r = onCompletion;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public int submit() {
        if (closed) {
            throw new IllegalStateException("NBD engine is closed");
        }
        if (chains.preparedCount() == 0) {
            return 0;
        }
        int n = chains.submit();
        inFlight += n;
        return n;
    }

    /** True when completions wait to be reaped. */
    public boolean hasCompletions() {
        return !local.isEmpty() || !done.isEmpty();
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int delivered = 0;
        submit();
        // As io_uring's: only a reap that starts with nothing outstanding waits for wakeup().
        boolean idleWait = minComplete > 0 && inFlight == 0;
        while (true) {
            boolean woke = false;
            for (int s = nextReady(); s != -1; s = nextReady()) {
                if (s == WAKE) {
                    woke = true;
                } else {
                    delivered += deliver(s, handler);
                }
            }
            submit(); // what the handler prepared goes out now
            if (delivered >= minComplete || woke || inFlight == 0 && !idleWait) {
                return delivered;
            }
            int s = done.take();
            if (s == WAKE) {
                wakeQueued.set(false);
                return delivered;
            }
            delivered += deliver(s, handler);
        }
    }

    private int nextReady() {
        if (!local.isEmpty()) {
            return local.pollFirst();
        }
        int s = done.poll();
        if (s == WAKE) {
            wakeQueued.set(false);
        }
        return s;
    }

    @Override
    public void wakeup() {
        if (wakeQueued.compareAndSet(false, true)) {
            done.put(WAKE);
        }
    }

    @Override
    public boolean supportsWakeup() {
        return true;
    }

    void deviceClosed(NbdDevice d) {
        devices.remove(d);
    }

    /** Waits for operations still in flight, then stops the watchdog; devices must be closed first. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        while (inFlight > 0) {
            reap(1, (u, r) -> { });
        }
        closed = true;
        watchdog.stop();
    }
}
