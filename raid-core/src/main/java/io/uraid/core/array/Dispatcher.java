package io.uraid.core.array;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The array's one thread: the only issuer of its engine. Each turn it takes a batch of requests
 * from the ring, maps them into legs, submits the batch with one system call, and reaps
 * completions. When there is nothing to do it idles as {@link ArrayOptions.Idle} says; producers
 * wake it through {@link #wake()}.
 */
final class Dispatcher implements Runnable {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final ArrayCore core;
    private final RingBuffer<RequestSlot> ring;
    private final EventPoller<RequestSlot> poller;
    private final IoEngine engine;
    private final LegIssuer issuer;
    private final LegCompleter completer;
    private final EventPoller.Handler<RequestSlot> takeRequest = this::takeRequest;
    private volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile Thread thread;
    private int batchTaken;
    private final SpinPolicy spin;
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> control =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final ArrayFailure failure;

    Dispatcher(ArrayCore core, RingBuffer<RequestSlot> ring, Intake intake) {
        this.core = core;
        this.failure = new ArrayFailure(core, intake);
        this.ring = ring;
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        this.engine = core.engine;
        this.issuer = new LegIssuer(core);
        this.completer = new LegCompleter(core, issuer);
        this.spin = new SpinPolicy(core.options.spinNanos());
    }

    /** Called by producers after publishing: wakes the dispatcher if it is blocked. */
    void wake() {
        if (sleeping) {
            wakeNow();
        }
    }

    private void wakeNow() {
        if (engine.supportsWakeup()) {
            engine.wakeup();
        } else {
            LockSupport.unpark(thread);
        }
    }

    /** Runs {@code task} on the dispatcher thread (member management, status). */
    void execute(Runnable task) {
        control.add(task);
        wakeNow();
    }

    void stop() {
        stopping = true;
        wakeNow();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            core.metadata.requestState(false);
            while (!stopping) {
                if (turn() == 0) {
                    idle();
                }
            }
            drainAndClose();
        } catch (Throwable t) {
            failure.fail(t, this);
            control.clear(); // their callers see the failure (RaidArray#onDispatcher)
        }
    }

    /** One turn of the loop; returns how much work it found. */
    private int turn() {
        if (core.stateChanged) {
            tellObserver(); // changed by completions reaped while idle
        }
        int work = runControl();
        work += issuer.issueDeferred();
        core.wakeCompletionWaiters();
        work += issuer.resumeWaitingPlans();
        work += core.resumeParked(issuer);
        work += resumeStalled();
        if (!core.hasStalled()) {
            work += pollRing();
        }
        core.levelIo.endOfBatch(issuer); // what the level gathered from this turn's requests goes out now
        if (core.metadata.pump()) {
            work++;
        }
        for (BackgroundTask t : core.tasks) {
            if (t.pump(core.io)) {
                work++;
            }
        }
        work += engine.reap(0, completer);
        if (core.stateChanged) {
            tellObserver();
        }
        return work;
    }

    /** The turn changed the array's state: its observer looks now, before any later change. */
    private void tellObserver() {
        core.stateChanged = false;
        StateObserver o = core.observer;
        if (o != null) {
            try {
                o.changed(core.io);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, core.name + ": state observer failed", e);
            }
        }
    }

    private int runControl() {
        int n = 0;
        Runnable task;
        while ((task = control.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, core.name + ": control task failed", e);
            }
            n++;
        }
        return n;
    }

    private int resumeStalled() {
        int resumed = 0;
        ArrayRequest r;
        while ((r = core.peekStalled()) != null) {
            if (!issuer.issue(r)) {
                if (!r.waitsAside()) {
                    break;
                }
                core.popStalled();
                core.park(r); // now waits for a lock or a gate: the requests behind it go on
                resumed++;
                continue;
            }
            core.popStalled();
            resumed++;
            if (r.outstanding == 0) {
                core.finish(r);
            }
        }
        return resumed;
    }

    private int pollRing() {
        if (!core.hasFreeRequest()) {
            return 0;
        }
        batchTaken = 0;
        try {
            poller.poll(takeRequest);
        } catch (RuntimeException e) {
            // A level that throws while mapping a request: the request has left its slot (the
            // ring would give the slot again, without its callback), so going on would lose it.
            // The array fails instead (see ArrayFailure), which answers it.
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(core.name + ": failed to take a request", e);
        }
        return batchTaken;
    }

    private boolean takeRequest(RequestSlot slot, long sequence, boolean endOfBatch) {
        ArrayRequest r = core.acquireRequest();
        r.load(slot);
        slot.callback = null; // the slot is reused by producers once we move on
        batchTaken++;
        if (!issuer.issue(r)) {
            if (r.waitsAside()) {
                core.park(r); // waits for its bitmap bits or a lock; later requests go on
                return core.hasFreeRequest() && batchTaken < 256;
            }
            core.stall(r);
            return false;
        }
        if (r.outstanding == 0) {
            core.finish(r); // every piece failed before issue (no working copy)
        }
        // Stop when out of pooled requests or after a batch the engine's SQ can hold.
        return core.hasFreeRequest() && batchTaken < 256;
    }

    /** Requests published and not yet taken, or control tasks: what stop must still answer. */
    private boolean ringHasWork() {
        return ringHasRequests() || !control.isEmpty();
    }

    boolean ringHasRequests() {
        return ring.getCursor() > poller.getSequence().get();
    }

    /**
     * Work the next turn can start now: a control task, or a request in the ring while a pooled
     * request is free and none waits for engine room. A backlog that cannot be taken is no reason
     * to stay awake: only a completion (which frees a request or room) can move it.
     */
    private boolean canTakeWork() {
        return !control.isEmpty() || ringHasRequests() && core.hasFreeRequest() && !core.hasStalled()
                || (core.legs.hasDeferred() || core.waitingPlanCount() > 0) && engine.available() > 0;
    }

    private void idle() {
        ArrayOptions.Idle mode = core.options.idle();
        if (mode == ArrayOptions.Idle.BUSY_SPIN) {
            Thread.onSpinWait();
            return;
        }
        long start = 0;
        if (mode == ArrayOptions.Idle.SPIN_THEN_BLOCK) {
            start = System.nanoTime();
            long until = start + spin.spinNanos();
            for (long now = start; now - until < 0; now = System.nanoTime()) {
                if (canTakeWork() || engine.reap(0, completer) > 0 || stopping) {
                    spin.idleEnded(now - start);
                    return;
                }
                Thread.onSpinWait();
            }
        }
        block();
        if (mode == ArrayOptions.Idle.SPIN_THEN_BLOCK) {
            spin.idleEnded(System.nanoTime() - start);
        }
    }

    private void block() {
        sleeping = true;
        try {
            if (canTakeWork() || stopping) {
                return;
            }
            if (engine.supportsWakeup()) {
                engine.reap(1, completer);
            } else if (engine.inFlight() > 0) {
                if (ringHasRequests()) {
                    engine.reap(1, completer); // a backlog waits for a completion, whoever publishes
                } else {
                    engine.reap(0, completer);
                    Thread.onSpinWait(); // cannot block in the engine without a wake-up
                }
            } else {
                LockSupport.parkNanos(this, 1_000_000);
            }
        } finally {
            sleeping = false;
        }
    }

    /** Stop: finish what is in flight, refuse what is left in the ring, record a clean state. */
    private void drainAndClose() {
        while (core.activeRequests() > 0 || core.hasStalled() || ringHasWork()) {
            if (ringHasWork() && core.hasFreeRequest()) {
                refuseFromRing(-Errno.ESHUTDOWN);
            }
            if (turn() == 0) {
                engine.reap(engine.inFlight() > 0 ? 1 : 0, completer);
            }
        }
        closeTasks();
        syncMembers();
        if (core.metadata.enabled()) {
            core.metadata.requestState(!core.keepDirty);
            while (!core.metadata.idle()) {
                core.metadata.pump();
                engine.reap(engine.inFlight() > 0 ? 1 : 0, completer);
            }
        }
        closeTasks(); // the bitmap records the final events count
        while (engine.inFlight() > 0) {
            engine.reap(1, completer);
        }
    }

    private void closeTasks() {
        for (BackgroundTask t : core.tasks) {
            while (!t.closing(core.io)) {
                engine.reap(engine.inFlight() > 0 ? 1 : 0, completer);
            }
        }
    }

    /**
     * Waits, on the dispatcher thread, until the engine has nothing in flight (completions may
     * still issue follow-ups, which finish too); no new request or background work starts
     * meanwhile. For engine changes that need an idle ring (registering buffers).
     */
    void quiesce() {
        while (engine.inFlight() > 0) {
            engine.reap(1, completer);
        }
    }

    /** Wakes the dispatcher so timed background work runs (called by the array's ticker). */
    void tick() {
        if (sleeping) {
            wakeNow();
        }
    }

    /**
     * Makes every write so far durable on every working member before the state goes clean,
     * including a member being rebuilt and a replacement: below their checkpoint they hold
     * client writes that a clean mark says need no resync.
     */
    private void syncMembers() {
        int n = core.members.length;
        for (int s = 0; s < 2 * n; s++) {
            Member m = s < n ? core.members[s] : core.replacements[s - n];
            if (m == null || !m.writable()) {
                continue;
            }
            while (engine.available() < 1 || core.legs.available() < 1) {
                engine.reap(1, completer);
            }
            int leg = core.legs.acquire(-1, Op.SYNC, m.role());
            engine.prepFsync(m.device(), true, leg, 0);
            m.pending++;
            core.syncsOutstanding++;
        }
        while (core.syncsOutstanding > 0) {
            engine.reap(1, completer);
        }
    }

    /** Answers every request published and not taken with {@code errno}, at stop or after a failure. */
    void refuseFromRing(int errno) {
        try {
            poller.poll((slot, seq, end) -> {
                var cb = slot.callback;
                slot.callback = null;
                if (cb != null) {
                    cb.done(slot.tag, errno);
                }
                return true;
            });
        } catch (Exception e) {
            LOG.log(Level.WARNING, core.name + ": failed to refuse a request", e);
        }
    }
}
