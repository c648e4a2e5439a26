package io.uraid.core.array;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running array: producers on any thread publish requests into its Disruptor ring
 * (multi-producer); its dispatcher thread maps them onto the members and completes each one
 * exactly once, after its last leg.
 *
 * <p>The array owns its engine and member devices from {@link #start()} to {@link #close()}.
 * Requests that are invalid (misaligned, out of range) or arrive after close complete at once,
 * on the caller's thread, with {@code -EINVAL}, {@code -ENOSPC} or {@code -ESHUTDOWN}.
 *
 * <p>A dispatcher stopped by an unexpected error fails the array for good ({@link #failure()}):
 * every request it had taken and every later one completes with {@code -EIO}, control calls
 * throw, and nothing more is written to the members.
 */
public final class RaidArray implements BlockTarget, AutoCloseable {
    private final ArrayCore core;
    private final RingBuffer<RequestSlot> ring;
    private final Dispatcher dispatcher;
    private final Thread thread;
    private final long size;
    private final int blockSize;
    private volatile boolean closed;
    private static final long TICK_MILLIS = 100;
    private Thread ticker;
    /** Refuses requests once closed or failed; close and a failure wait for the producers it let in. */
    private final Intake intake = new Intake();

    /**
     * @param members       one entry per role, in role order (device null = missing)
     * @param engineEntries the engine's queue depth (the most legs in flight)
     * @param superblocks   writes the members' metadata on state changes; null for none
     * @param events        the events count the members' superblocks carry now
     */
    public RaidArray(String name, RaidLevel level, Geometry geometry, Member[] members, IoEngine engine,
                     int engineEntries, ArrayOptions options, SuperblockWriter superblocks, long events) {
        if (members.length != geometry.raidDisks()) {
            throw new IllegalArgumentException("expected " + geometry.raidDisks() + " members, got " + members.length);
        }
        this.core = new ArrayCore(name, level, geometry, members, engine, options, superblocks, events, engineEntries);
        if (level.failedArray(geometry, core.workingRoles())) {
            throw new IllegalArgumentException(name + ": too few working members to serve the array ("
                    + workingCount() + " of " + members.length + ")");
        }
        // Nobody waits through the ring's wait strategy (the dispatcher polls it and idles in the
        // engine), so take one whose publish-side signal is a no-op: the default blocking strategy
        // takes a monitor and calls notifyAll on every publish.
        this.ring = RingBuffer.createMultiProducer(RequestSlot::new, options.ringSize(), new BusySpinWaitStrategy());
        this.dispatcher = new Dispatcher(core, ring, intake);
        this.size = core.layout.arraySize();
        int bs = 512;
        for (Member m : members) {
            if (m.device() != null) {
                bs = Math.max(bs, m.device().logicalBlockSize());
            }
        }
        this.blockSize = bs;
        this.thread = new Thread(dispatcher, "uraid-" + name);
        thread.setDaemon(true);
    }

    /**
     * Starts the dispatcher thread (and, with background tasks, the ticker that wakes it), after
     * registering the array's own buffers (scratch, sync windows) and any given before with the
     * engine as fixed buffers.
     */
    public RaidArray start() {
        core.registerMemory();
        thread.start();
        if (core.tasks.length > 0) {
            ticker = new Thread(this::tickLoop, "uraid-" + core.name + "-tick");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    /**
     * Adds background work (bitmap, resync...) run by the dispatcher; before {@link #start()}.
     * Tasks run in the order added and close in that order at stop.
     */
    public void addTask(BackgroundTask task) {
        requireNotStarted();
        BackgroundTask[] t = java.util.Arrays.copyOf(core.tasks, core.tasks.length + 1);
        t[t.length - 1] = task;
        core.tasks = t;
    }

    /**
     * Registers {@code region} with the array's engine as fixed buffers, with the array's own
     * (see {@link BlockTarget#registerMemory}). Before {@link #start()} it is registered at start;
     * afterwards the dispatcher waits for the legs in flight to end, registers everything again
     * and goes on (a pause of a few milliseconds, for a rare change: a payload pool, a bench's
     * buffers). Returns true when the engine uses fixed buffers (before start: true).
     */
    @Override
    public boolean registerMemory(io.uraid.io.NativeBuffer region) {
        if (thread.getState() == Thread.State.NEW) {
            core.memory.add(region);
            return true;
        }
        return onDispatcher(() -> {
            if (!core.memory.contains(region)) {
                core.memory.add(region);
            }
            dispatcher.quiesce();
            return core.registerMemory();
        });
    }

    /** Reads and writes of requests issued to members so far. */
    public long dataLegs() {
        return core.dataLegs;
    }

    /** Of {@link #dataLegs()}, those whose buffer was registered memory (READ_FIXED/WRITE_FIXED on io_uring). */
    public long fixedLegs() {
        return core.fixedLegs;
    }

    /** Adds a gate every write must pass; before {@link #start()}. */
    public void addGate(WriteGate gate) {
        requireNotStarted();
        WriteGate[] g = java.util.Arrays.copyOf(core.gates, core.gates.length + 1);
        g[g.length - 1] = gate;
        core.gates = g;
    }

    /** Registers the observer told of every state change (one per array); before {@link #start()}. */
    public void observe(StateObserver observer) {
        requireNotStarted();
        core.observer = observer;
    }

    /** Sets the read steer (one per array); before {@link #start()}. */
    public void setReadSteer(ReadSteer steer) {
        requireNotStarted();
        core.readSteer = steer;
    }

    /**
     * Read errors a member may have corrected from another copy before it is failed (md's
     * max_corr_read_errors, 20 by default).
     */
    public void setReadErrorLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("read error limit must not be negative");
        }
        core.readErrorLimit = limit;
    }

    /**
     * md's bitmap write-behind (the bitmap superblock's write_behind): a write completes once
     * its copies on members that are not write-mostly have it, with at most {@code limit} writes
     * to write-mostly members still in flight; 0 turns it off. Before {@link #start()}; only
     * for an array with a write-intent bitmap, whose bits stay set until those writes land.
     */
    public void setWriteBehind(int limit) {
        requireNotStarted();
        if (limit < 0) {
            throw new IllegalArgumentException("write-behind limit must not be negative");
        }
        core.behind = limit == 0 ? null : new BehindWrites(limit);
    }

    /** Stripes whose partial writes the level gathers within a turn (md's stripe_cache_size); 0 when none. */
    public int stripeCacheSize() {
        return core.levelIo.stripeCacheSize();
    }

    /** md's write-behind limit of this array, 0 when off. */
    public int writeBehind() {
        BehindWrites b = core.behind;
        return b == null ? 0 : b.limit();
    }

    /** Writes to write-mostly members in flight after their request completed. Any thread. */
    public int behindWritesInFlight() {
        BehindWrites b = core.behind;
        return b == null ? 0 : b.inFlight();
    }

    /** Writes that went out behind so far. Any thread. */
    public long behindWrites() {
        BehindWrites b = core.behind;
        return b == null ? 0 : b.total();
    }

    /**
     * Sets md's devflags ({@link io.uraid.core.sb.MdConstants#DEVFLAG_WRITE_MOSTLY},
     * {@code DEVFLAG_FAILFAST}) of the member in {@code slot} (a role, or {@code role + raid
     * disks} for its replacement), as {@code mdadm --writemostly/--readwrite/--failfast} do: it
     * takes effect at once and the superblocks record it. Any thread; runs on the dispatcher.
     */
    public void setDevflags(int slot, int flags) {
        onDispatcher(() -> {
            if (core.slot(slot) == null || core.slot(slot).device() == null) {
                throw new IllegalArgumentException(core.name + ": no device in slot " + slot);
            }
            core.membership.setDevflags(slot, flags);
            return null;
        });
    }

    /** Keeps the superblocks from saying clean at stop (a resync has not finished). Any thread. */
    public void keepDirty(boolean dirty) {
        core.keepDirty = dirty;
    }

    /** Runs {@code task} with the array's member I/O before {@link #start()} (on this thread). */
    public void callBeforeStart(java.util.function.Consumer<ArrayIo> task) {
        requireNotStarted();
        task.accept(core.io);
    }

    /** Gives code running on the dispatcher thread (see {@link #callOnDispatcher}) the member I/O. */
    public <T> T withIo(java.util.function.Function<ArrayIo, T> task) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException(core.name + ": member I/O only on the dispatcher thread");
        }
        return task.apply(core.io);
    }

    private void requireNotStarted() {
        if (thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException(core.name + ": already started");
        }
    }

    private void tickLoop() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            dispatcher.tick();
        }
    }

    /** Runs {@code task} on the dispatcher thread and returns its answer (control work, status). */
    public <T> T callOnDispatcher(java.util.function.Supplier<T> task) {
        return onDispatcher(task);
    }

    public String name() {
        return core.name;
    }

    public RaidLevel level() {
        return core.level;
    }

    public Geometry geometry() {
        return core.geometry;
    }

    public Layout layout() {
        return core.layout;
    }

    /** The level's I/O strategy of this array. */
    public io.uraid.core.plan.LevelIo levelIo() {
        return core.levelIo;
    }

    /** The member slots in role order (live objects: states and counters change). */
    public Member[] members() {
        return core.members.clone();
    }

    public long events() {
        return core.events;
    }

    /** Metadata updates written so far. */
    public long metadataUpdates() {
        return core.metadata.updates();
    }

    /** True when the members' metadata last written records the array as clean (md's "clean" state). */
    public boolean clean() {
        return core.metadata.recordedClean();
    }

    /** True while the dispatcher runs (after {@link #start()}, before {@link #close()} or a failure). */
    public boolean running() {
        return thread.isAlive() && !closed && intake.failure() == null;
    }

    /**
     * The unexpected error that stopped the dispatcher and failed the array, or null: a failed
     * array answers every request with {@code -EIO} until it is closed. Any thread.
     */
    public Throwable failure() {
        return intake.failure();
    }

    public int workingCount() {
        return Long.bitCount(core.workingRoles());
    }

    public boolean degraded() {
        return workingCount() < core.members.length;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public void read(long offset, int length, long address, IoCallback callback, long tag) {
        int err = check(offset, length, false);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        publish(Op.READ, 0, offset, length, address, callback, tag);
    }

    @Override
    public void write(long offset, int length, long address, int flags, IoCallback callback, long tag) {
        int err = check(offset, length, true);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        publish(Op.WRITE, flags, offset, length, address, callback, tag);
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        int refusal = intake.refusal();
        if (refusal != 0) {
            callback.done(tag, refusal);
            return;
        }
        publish(Op.FLUSH, 0, 0, core.members.length, 0, callback, tag);
    }

    @Override
    public void discard(long offset, long length, IoCallback callback, long tag) {
        int err = check(offset, length, true);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        publish(Op.DISCARD, 0, offset, length, 0, callback, tag);
    }

    private int check(long offset, long length, boolean write) {
        int refusal = intake.refusal();
        if (refusal != 0) {
            return refusal;
        }
        return BlockTarget.rangeError(offset, length, write, size, blockSize);
    }

    private void publish(byte op, int flags, long offset, long length, long address, IoCallback cb, long tag) {
        int refusal = intake.enter();
        try {
            if (refusal == 0) {
                publishSlot(op, flags, offset, length, address, cb, tag);
            }
        } finally {
            intake.leave();
        }
        if (refusal != 0) {
            cb.done(tag, refusal); // outside the intake: a callback that publishes again must not hold up close
        }
    }

    private void publishSlot(byte op, int flags, long offset, long length, long address, IoCallback cb, long tag) {
        long seq = ring.next();
        RequestSlot slot = ring.get(seq);
        slot.op = op;
        slot.flags = flags;
        slot.offset = offset;
        slot.length = op == Op.FLUSH ? core.members.length : length;
        slot.address = address;
        slot.callback = cb;
        slot.tag = tag;
        ring.publish(seq);
        dispatcher.wake();
    }

    /**
     * Marks the member in {@code role} faulty, as `mdadm --fail` does. Refused (false) when the
     * array could then no longer serve every byte.
     */
    public boolean fail(int role) {
        return onDispatcher(() -> core.membership.failOnRequest(role));
    }

    /**
     * Takes the faulty member in {@code role} out of the array, as `mdadm --remove` does; the
     * slot becomes missing. Returns the member's device for the caller to close, or null when
     * the member is not faulty or still has legs in flight (try again shortly).
     */
    public io.uraid.io.BlockDevice remove(int role) {
        return onDispatcher(() -> {
            io.uraid.io.BlockDevice d = core.membership.remove(role);
            core.stateChanged |= d != null; // the role is missing now
            return d;
        });
    }

    /**
     * The devices that left their role as faulty (a member replaced, or whose role a spare took)
     * and are not removed yet, oldest first: md lists them as faulty without a raid device.
     */
    public java.util.List<Displaced> displaced() {
        return java.util.List.of(core.membership.displaced());
    }

    /**
     * Releases {@code device}, a faulty device that left its role ({@link #displaced()}), as
     * `mdadm --remove` does. Returns it for the caller to close, or null when it is not such a
     * device or legs to it are still in flight (try again shortly).
     */
    public io.uraid.io.BlockDevice removeDisplaced(io.uraid.io.BlockDevice device) {
        return onDispatcher(() -> core.membership.removeDisplaced(device));
    }

    /** Runs a task on the dispatcher thread and waits for its answer. */
    private <T> T onDispatcher(java.util.function.Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        dispatcher.execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e); // the caller gets the task's own error
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (true) {
                requireNotFailed(f);
                try {
                    return f.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    requireNotFailed(f);
                    if (thread.getState() == Thread.State.TERMINATED && !f.isDone()) {
                        // The array stopped before it took the task: it never will (no 30 s wait for nothing).
                        throw new IllegalStateException(core.name + ": the array has stopped", e);
                    }
                    if (System.nanoTime() - until > 0) {
                        throw new IllegalStateException(core.name + ": dispatcher did not answer", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(core.name + ": interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(core.name + ": dispatcher task failed", e);
        }
    }

    /** A failed dispatcher runs no task: its caller hears why instead of waiting. */
    private void requireNotFailed(CompletableFuture<?> f) {
        Throwable cause = intake.failure();
        if (cause != null && !f.isDone()) {
            throw new IllegalStateException(core.name + ": the array's dispatcher stopped on an unexpected error ("
                    + cause + "); the array has failed", cause);
        }
    }

    /**
     * Stops the array: refuses new requests, finishes those in flight, flushes the members and
     * records a clean state in their superblocks. Devices and engine are closed by the caller
     * (whoever opened them). A failed array ({@link #failure()}) writes nothing: it returns once
     * its dispatcher has answered what it had.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        intake.close();
        while (intake.producersInside()) {
            Thread.onSpinWait(); // a producer that passed the check finishes publishing first
        }
        dispatcher.stop();
        // Never return while the dispatcher runs, even when interrupted: the caller closes the
        // engine and frees buffers next, under a thread that would still use them.
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (ticker != null) {
            ticker.interrupt();
        }
        if (core.legsAbandoned) {
            return; // a failed array's legs never came back: the kernel may still use its buffers
        }
        core.metadata.close();
        core.scratch.close();
        if (core.behind != null) {
            core.behind.close();
        }
    }
}
