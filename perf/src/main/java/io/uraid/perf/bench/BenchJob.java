package io.uraid.perf.bench;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.HdrHistogram.Recorder;

/**
 * One producer thread of a bench run: keeps {@code iodepth} requests in flight against a
 * {@link BlockTarget}, re-issuing each slot as its completion comes back. Completions arrive on
 * the target's thread, which only stamps the time and queues the slot; this thread records the
 * latency and issues the next request. Every buffer, slot and callback is preallocated: nothing
 * is allocated per request.
 */
final class BenchJob implements Runnable, IoCallback {
    /** Phases a job runs, one per thread start. */
    static final int MAIN = 0;
    static final int PREFILL = 1;
    static final int CHECK = 2;
    /** Latencies above this (ns) are clamped; an hour is far beyond any sane request. */
    static final long MAX_LATENCY = 3_600_000_000_000L;
    private static final long SPIN_NANOS = Long.getLong("uraid.bench.spinNanos", 20_000);

    private final BlockTarget target;
    private final Workload w;
    private final OffsetStream stream;
    private final int depth;
    private final int bs;
    private final NativeBuffer buffers;
    private final ByteBuffer[] views;
    private final long[] issuedAt;
    private final long[] doneAt;
    private final int[] results;
    private final long[] slotOffset;
    private final boolean[] slotWrite;
    private final boolean[] slotBusy;
    private final int[] slotGeneration;
    private final int[] freeSlots;
    private final int[] generations;
    private final CRC32C crc = new CRC32C();
    private final CompletionQueue queue;
    private final long quota;
    /** Open loop: the time between two requests of this job (0: closed loop). */
    final long intervalNanos;
    final Recorder readLatency = new Recorder(MAX_LATENCY, 3);
    final Recorder writeLatency = new Recorder(MAX_LATENCY, 3);

    volatile boolean stop;
    volatile String failure;
    volatile long finishedAt;
    long verified;
    int phase;
    private volatile boolean sleeping;
    /** Inline mode: requests in flight, counted by the completion thread once it has taken over. */
    private volatile int inlineInFlight;
    private boolean inlineStarted;
    private final int[] deferred;
    private int deferredCount;
    /** The thread inside an inline issue call, to catch completions delivered within it. */
    private volatile Thread inIssueBy;
    private volatile Thread thread;
    private int free;
    private int inFlight;
    private long issued;
    private long walk;

    /**
     * @param generations shared per-block write generations when verifying (jobs own disjoint
     *                    blocks), else null
     */
    BenchJob(BlockTarget target, Workload w, long regionBytes, int job, int[] generations) {
        this.target = target;
        this.w = w;
        this.depth = w.iodepth();
        this.bs = w.blockSize();
        this.stream = new OffsetStream(w.mode(), w.readPercent(), regionBytes, bs, job, w.numjobs(), w.seed());
        if (w.verify() && stream.blocks() < 2L * depth) {
            throw new IllegalArgumentException("--verify needs at least " + 2 * depth + " blocks per job; "
                    + "use a larger --size or a smaller --iodepth");
        }
        this.generations = generations;
        this.buffers = NativeBuffer.allocate(Math.multiplyExact(bs, depth));
        target.registerMemory(buffers); // an array sends legs on them as READ_FIXED/WRITE_FIXED
        this.views = new ByteBuffer[depth];
        for (int i = 0; i < depth; i++) {
            views[i] = buffers.view(i * bs, bs);
        }
        fillRandom(buffers.view(), w.seed() + job);
        this.issuedAt = new long[depth];
        this.doneAt = new long[depth];
        this.results = new int[depth];
        this.slotOffset = new long[depth];
        this.slotWrite = new boolean[depth];
        this.slotBusy = new boolean[depth];
        this.slotGeneration = new int[depth];
        this.freeSlots = new int[depth];
        this.deferred = new int[depth];
        this.queue = new CompletionQueue(depth);
        long perJob = w.sizeBytes() / w.numjobs() / bs;
        this.quota = w.timeBased() ? Long.MAX_VALUE : Math.max(1, perJob);
        this.intervalNanos = w.rateIops() > 0 ? Math.max(1, 1_000_000_000L * w.numjobs() / w.rateIops()) : 0;
    }

    private static void fillRandom(ByteBuffer b, long seed) {
        long x = OffsetStream.mix(seed);
        for (int i = 0; i + 8 <= b.capacity(); i += 8) {
            x = OffsetStream.mix(x);
            b.putLong(i, x);
        }
    }

    @Override
    public void done(long tag, int result) {
        int slot = (int) tag;
        doneAt[slot] = System.nanoTime();
        results[slot] = result;
        if (w.inline() && phase == MAIN) {
            doneInline(slot);
            return;
        }
        queue.offer(slot);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Inline mode, on the target's completion thread: records, then issues the next request in
     * the same slot. The first completion also fills the remaining slots, so from then on only
     * this thread touches the job's state (the producer issued just the first request). A
     * target that completes synchronously, inside the issuing call, would recurse: such
     * completions are parked in {@code deferred} and handled once the outer call returns.
     */
    private void doneInline(int slot) {
        slotBusy[slot] = false;
        complete(slot);
        deferred[deferredCount++] = slot;
        if (inIssueBy != Thread.currentThread()) {
            pump();
        }
    }

    private void pump() {
        Thread me = Thread.currentThread();
        inIssueBy = me;
        try {
            while (deferredCount > 0) {
                reissue(deferred[--deferredCount]);
            }
        } finally {
            inIssueBy = null;
        }
    }

    private void reissue(int slot) {
        int n = inlineInFlight;
        if (!inlineStarted) {
            inlineStarted = true;
            while (free > 0 && failure == null && hasMore()) {
                issue(freeSlots[--free]);
                n++;
            }
        }
        if (failure == null && hasMore()) {
            issue(slot);
        } else {
            freeSlots[free++] = slot;
            n--;
        }
        inlineInFlight = n;
        if (n == 0) {
            LockSupport.unpark(thread);
        }
    }

    private void runInline() {
        inlineStarted = false;
        deferredCount = 0;
        inlineInFlight = 1;
        inIssueBy = Thread.currentThread();
        issue(freeSlots[--free]);
        inIssueBy = null;
        if (deferredCount > 0) {
            pump(); // the target completed within the call
        }
        while (inlineInFlight > 0) {
            LockSupport.parkNanos(this, 1_000_000);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        free = 0;
        for (int i = depth - 1; i >= 0; i--) {
            freeSlots[free++] = i;
        }
        inFlight = 0;
        issued = 0;
        walk = 0;
        try {
            if (w.inline() && phase == MAIN) {
                runInline();
            } else {
                loop();
            }
        } catch (RuntimeException e) {
            fail("bench job failed: " + e);
            while (inFlight > 0) {
                drain();
                await(0);
            }
        } finally {
            finishedAt = System.nanoTime();
        }
    }

    private void loop() {
        long nextDue = System.nanoTime();
        while (true) {
            drain();
            boolean more = failure == null && hasMore();
            while (free > 0 && more) {
                if (intervalNanos > 0 && phase == MAIN) {
                    if (System.nanoTime() < nextDue) {
                        break;
                    }
                    nextDue += intervalNanos;
                }
                issue(freeSlots[--free]);
                inFlight++;
                more = hasMore();
            }
            if (!more && inFlight == 0) {
                return;
            }
            await(free > 0 && more && intervalNanos > 0 ? nextDue : 0);
        }
    }

    private boolean hasMore() {
        switch (phase) {
            case MAIN:
                return !stop && issued < quota;
            default:
                return walk < stream.blocks();
        }
    }

    private void drain() {
        int s;
        while ((s = queue.poll()) >= 0) {
            slotBusy[s] = false;
            complete(s);
            freeSlots[free++] = s;
            inFlight--;
        }
    }

    /** Waits for a completion, or until {@code until} (0: no limit) when rate limited. */
    private void await(long until) {
        long spinEnd = System.nanoTime() + SPIN_NANOS;
        while (!queue.ready()) {
            long now = System.nanoTime();
            if (until != 0 && now >= until) {
                return;
            }
            if (now < spinEnd) {
                Thread.onSpinWait();
                continue;
            }
            sleeping = true;
            if (!queue.ready()) {
                LockSupport.parkNanos(this, until != 0 ? Math.min(until - now, 1_000_000) : 1_000_000);
            }
            sleeping = false;
        }
    }

    private void issue(int slot) {
        long offset;
        boolean write;
        if (phase == MAIN) {
            write = !stream.nextIsRead();
            offset = stream.nextOffset();
            if (generations != null) {
                while (busy(offset)) {
                    offset = stream.nextOffset();
                }
            }
        } else {
            write = phase == PREFILL;
            offset = nextWalkOffset();
        }
        issued++;
        slotBusy[slot] = true;
        slotOffset[slot] = offset;
        slotWrite[slot] = write;
        long address = buffers.address() + (long) slot * bs;
        if (generations != null) {
            int block = (int) (offset / bs);
            if (write) {
                int g = generations[block] + 1;
                generations[block] = g == 0 ? 1 : g;
                VerifyBlock.fill(views[slot], offset, generations[block], crc);
            }
            slotGeneration[slot] = generations[block];
        }
        issuedAt[slot] = System.nanoTime();
        if (write) {
            target.write(offset, bs, address, 0, this, slot);
        } else {
            target.read(offset, bs, address, this, slot);
        }
    }

    /** Prefill: every own block in order. Check: every own block written in this run. */
    private long nextWalkOffset() {
        while (true) {
            long block = stream.blockAt(walk++);
            if (phase == PREFILL || generations[(int) block] != 0 || walk >= stream.blocks()) {
                return block * bs;
            }
        }
    }

    private boolean busy(long offset) {
        for (int i = 0; i < depth; i++) {
            if (slotBusy[i] && slotOffset[i] == offset) {
                return true;
            }
        }
        return false;
    }

    private void complete(int slot) {
        int result = results[slot];
        boolean write = slotWrite[slot];
        if (result < 0) {
            fail((write ? "write" : "read") + " at offset " + slotOffset[slot] + " failed: " + Errno.describe(result));
            return;
        }
        if (generations != null && !write) {
            int g = slotGeneration[slot];
            if (g != 0 || phase != CHECK) {
                int code = VerifyBlock.check(views[slot], slotOffset[slot], g, crc);
                if (code != VerifyBlock.OK) {
                    fail(VerifyBlock.describe(code, views[slot], slotOffset[slot], g, crc));
                    return;
                }
                verified++;
            }
        }
        if (phase != MAIN) {
            return;
        }
        long latency = Math.min(MAX_LATENCY, Math.max(1, doneAt[slot] - issuedAt[slot]));
        // One value per request, so the histograms count the requests too; the run corrects a
        // rate-limited run's latencies for the requests held up behind a late one.
        (write ? writeLatency : readLatency).recordValue(latency);
    }

    private void fail(String message) {
        if (failure == null) {
            failure = message;
        }
    }

    void close() {
        buffers.close();
    }
}
