package io.uraid.core.array;


import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.IoEngine;

/**
 * The state the dispatcher thread works on: members, layout, pooled requests, legs in flight and
 * the queue of requests waiting for engine room. Everything here is touched only by the
 * dispatcher thread, except the volatile member states and counters that status readers see.
 */
final class ArrayCore {
    final String name;
    final RaidLevel level;
    final Geometry geometry;
    final Layout layout;
    /** The level's I/O strategy for this array: how requests map into legs. */
    final io.uraid.core.plan.LevelIo levelIo;
    /** Per role, its member: the same array {@link #membership} owns (read here on the hot path). */
    final Member[] members;
    /** Per role, the device replacing its member, or null (owned by {@link #membership}). */
    final Member[] replacements;
    final Membership membership;
    final IoEngine engine;
    final ArrayOptions options;
    /**
     * Largest leg: the options' limit, lowered to what every member takes without the kernel
     * splitting it (a split direct write leaves io_uring's fast path for a worker thread).
     */
    final int maxLegBytes;
    final LegTable legs;
    final ArrayRequest[] requests;
    private final int[] freeRequests;
    private int freeRequestCount;
    /** FIFO of request indexes waiting for engine room (resumed from their cursor). */
    private final int[] stalled;
    private final int[] gated;
    private int gatedCount;
    private int stalledHead;
    private int stalledCount;
    /** Plans (multi-phase work with scratch and a range lock), their scratch buffers and lock. */
    final ArrayPlan[] plans;
    private final int[] freePlans;
    private int freePlanCount;
    final ScratchPool scratch;
    final RangeLock locks;
    /** FIFO of plans whose next phase found no room. */
    private final int[] waitingPlans;
    /** Plans waiting for any completion, and whether one came since they were last asked. */
    private final int[] completionPlans;
    private int completionPlanCount;
    boolean completionSeen;
    private int waitingHead;
    private int waitingCount;
    final MetadataUpdater metadata;
    /** Memory registered with the engine as fixed buffers: the scratch pool's, the sync windows', callers'. */
    final java.util.List<io.uraid.io.NativeBuffer> memory = new java.util.ArrayList<>();
    /** [start, end) of each registered region while the engine uses them; empty otherwise. */
    private long[] fixedStart = new long[0];
    private long[] fixedEnd = new long[0];
    /** Reads and writes of requests issued, and how many of them were on registered memory. */
    volatile long dataLegs;
    volatile long fixedLegs;
    volatile long events;
    /** Array-issued fsyncs in flight (see {@link Op#SYNC}). */
    int syncsOutstanding;
    /** Background tasks (bitmap, sync) and write gates, fixed before the dispatcher starts. */
    BackgroundTask[] tasks = new BackgroundTask[0];
    WriteGate[] gates = new WriteGate[0];
    ReadSteer readSteer;
    /** md's write-behind: slots for writes to write-mostly members that finish after their request; null when off. */
    volatile BehindWrites behind;
    final ArrayIo io = new ArrayIo(this);
    /** A task says the members may disagree: do not record the array clean at stop. */
    volatile boolean keepDirty;
    /** Corrected read errors after which a member is failed (md's max_corr_read_errors). */
    volatile int readErrorLimit = 20;
    /** Told after every turn that changed the state (see {@link StateObserver}); fixed before start. */
    StateObserver observer;
    /** A member, replacement or sync pass changed state this turn: the observer hears of it at its end. */
    boolean stateChanged;
    /**
     * The array failed (see {@link ArrayFailure}) while the engine still had legs out: the memory
     * they read into or write from is never freed, since the kernel may still use it.
     */
    volatile boolean legsAbandoned;

    ArrayCore(String name, RaidLevel level, Geometry geometry, Member[] members, IoEngine engine,
              ArrayOptions options, SuperblockWriter superblocks, long events, int engineEntries) {
        this.name = name;
        this.level = level;
        this.geometry = geometry;
        this.layout = level.layout(geometry);
        this.levelIo = level.io(layout);
        this.levelIo.configure(options);
        this.members = members;
        this.engine = engine;
        this.options = options;
        this.maxLegBytes = maxLegBytes(options, members);
        this.legs = new LegTable(engineEntries);
        this.requests = new ArrayRequest[options.ringSize()];
        this.freeRequests = new int[options.ringSize()];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new ArrayRequest(i);
            freeRequests[i] = requests.length - 1 - i;
        }
        this.freeRequestCount = requests.length;
        this.stalled = new int[options.ringSize()];
        int planCount = options.ringSize();
        this.scratch = new ScratchPool(levelIo.scratchBuffers(), levelIo.scratchBytes());
        this.plans = new ArrayPlan[planCount];
        this.freePlans = new int[planCount];
        for (int i = 0; i < planCount; i++) {
            plans[i] = new ArrayPlan(i, scratch, requests);
            freePlans[i] = planCount - 1 - i;
        }
        this.freePlanCount = planCount;
        this.locks = new RangeLock(planCount * 4);
        this.waitingPlans = new int[planCount];
        this.completionPlans = new int[planCount];
        this.gated = new int[options.ringSize()];
        this.events = events;
        this.metadata = new MetadataUpdater(this, superblocks);
        this.membership = new Membership(name, level, geometry, members, metadata);
        this.replacements = membership.replacements;
        if (scratch.region() != null) {
            memory.add(scratch.region());
        }
    }

    private static int maxLegBytes(ArrayOptions options, Member[] members) {
        int max = options.maxLegBytes();
        for (Member m : members) {
            if (m.device() != null) {
                max = Math.min(max, m.device().maxTransferBytes());
            }
        }
        return Math.max(4096, max & ~4095);
    }

    /**
     * Registers {@link #memory} with the engine (which must be idle), replacing what was there;
     * true when the engine uses it. Called at start and on each registration request.
     */
    boolean registerMemory() {
        boolean fixed;
        try {
            fixed = !memory.isEmpty() && engine.registerBuffers(memory);
        } catch (java.io.IOException | RuntimeException e) {
            // Fixed buffers only save CPU: the same I/O goes out plain.
            java.util.logging.Logger.getLogger(ArrayCore.class.getName()).warning(name
                    + ": registered buffers unavailable (" + e.getMessage() + "); using plain reads and writes");
            fixed = false;
        }
        long[] s = new long[fixed ? memory.size() : 0];
        long[] e = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = memory.get(i).address();
            e[i] = s[i] + memory.get(i).capacity();
        }
        fixedStart = s;
        fixedEnd = e;
        return fixed;
    }

    /** Counts a read or write leg of a request, and whether its buffer is registered memory. */
    void countDataLeg(long address, int length) {
        dataLegs++;
        long[] s = fixedStart;
        long[] e = fixedEnd;
        for (int i = 0; i < s.length; i++) {
            if (address >= s[i] && address + length <= e[i]) {
                fixedLegs++;
                return;
            }
        }
    }

    int taskIndex(BackgroundTask task) {
        for (int i = 0; i < tasks.length; i++) {
            if (tasks[i] == task) {
                return i;
            }
        }
        throw new IllegalArgumentException("task not registered with " + name);
    }

    /** Asks every gate to admit a write; all or none count it. */
    boolean admitWrite(ArrayRequest r) {
        if (!metadata.activeOnDisk()) {
            return false; // parked until the superblocks say active (the first update after start)
        }
        for (int i = 0; i < gates.length; i++) {
            if (!gates[i].admit(r.offset, r.length)) {
                for (int j = 0; j < i; j++) {
                    gates[j].release(r.offset, r.length);
                }
                return false;
            }
        }
        r.admitted = true;
        return true;
    }

    /**
     * Parks a request that a write gate or the range lock held back. Unlike a stall for engine
     * room, it does not stop the dispatcher from taking more requests: the writes behind it can
     * ask for their bitmap bits too (one bitmap update serves them all), and requests on other
     * lock units go on.
     */
    void park(ArrayRequest r) {
        gated[gatedCount++] = r.index;
        parkedAhead = gatedCount;
    }

    /**
     * True when write {@code r} overlaps the part not yet mapped of a parked write ahead of it
     * (the first {@link #parkedAhead} parked requests): it must not pass that one, or the earlier
     * write's bytes would end up over the later one's (overlapping writes keep their ring order).
     */
    boolean behindParkedWrite(ArrayRequest r) {
        if (parkedAhead == 0 || r.op != Op.WRITE && r.op != Op.DISCARD) {
            return false;
        }
        long from = r.offset + r.cursor;
        long to = r.offset + r.length;
        for (int i = 0; i < parkedAhead; i++) {
            ArrayRequest q = requests[gated[i]];
            if (q != r && (q.op == Op.WRITE || q.op == Op.DISCARD) && q.offset + q.cursor < to
                    && from < q.offset + q.length) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parked requests ahead of the one being issued (see {@link #behindParkedWrite}): all of
     * them for a request taken from the ring or resumed from the stalled queue, those kept
     * before it while the parked ones are retried.
     */
    private int parkedAhead;

    /** Retries the parked writes; returns how many went out. */
    int resumeParked(LegIssuer issuer) {
        int resumed = 0;
        int kept = 0;
        for (int i = 0; i < gatedCount; i++) {
            ArrayRequest r = requests[gated[i]];
            parkedAhead = kept; // those still parked before it
            if (issuer.issue(r)) {
                resumed++;
                if (r.outstanding == 0) {
                    finish(r);
                }
            } else if (!r.waitsAside()) {
                stall(r); // past its gate or lock, then out of engine room: continues from its cursor
                resumed++;
            } else {
                gated[kept++] = r.index;
            }
        }
        gatedCount = kept;
        parkedAhead = kept;
        return resumed;
    }

    /** A free plan, or null. */
    ArrayPlan acquirePlan() {
        return freePlanCount == 0 ? null : plans[freePlans[--freePlanCount]];
    }

    void releasePlan(ArrayPlan p) {
        p.request = null;
        freePlans[freePlanCount++] = p.index;
    }

    /** Plan {@code p} waits for the next completion ({@link io.uraid.core.plan.LevelIo#WAIT_EVENT}). */
    void waitForCompletion(ArrayPlan p) {
        if (!p.waiting) {
            p.waiting = true;
            completionPlans[completionPlanCount++] = p.index;
        }
    }

    /** After completions: the plans that waited for one are asked again with those waiting for room. */
    int wakeCompletionWaiters() {
        if (!completionSeen) {
            return 0;
        }
        completionSeen = false;
        int n = completionPlanCount;
        for (int i = 0; i < n; i++) {
            ArrayPlan p = plans[completionPlans[i]];
            p.waiting = false;
            waitForRoom(p);
        }
        completionPlanCount = 0;
        return n;
    }

    /** Plan {@code p} waits for room for its next phase. */
    void waitForRoom(ArrayPlan p) {
        if (!p.waiting) {
            p.waiting = true;
            waitingPlans[(waitingHead + waitingCount++) % waitingPlans.length] = p.index;
        }
    }

    int waitingPlanCount() {
        return waitingCount;
    }

    /** Takes the oldest plan waiting for room. */
    ArrayPlan pollWaitingPlan() {
        ArrayPlan p = plans[waitingPlans[waitingHead]];
        waitingHead = (waitingHead + 1) % waitingPlans.length;
        waitingCount--;
        p.waiting = false;
        return p;
    }

    ArrayRequest acquireRequest() {
        return freeRequestCount == 0 ? null : requests[freeRequests[--freeRequestCount]];
    }

    boolean hasFreeRequest() {
        return freeRequestCount > 0;
    }

    int activeRequests() {
        return requests.length - freeRequestCount;
    }

    void stall(ArrayRequest r) {
        if (!r.stalled) {
            r.stalled = true;
            stalled[(stalledHead + stalledCount++) % stalled.length] = r.index;
        }
    }

    /** Oldest stalled request, without removing it; null when none. */
    ArrayRequest peekStalled() {
        return stalledCount == 0 ? null : requests[stalled[stalledHead]];
    }

    void popStalled() {
        requests[stalled[stalledHead]].stalled = false;
        stalledHead = (stalledHead + 1) % stalled.length;
        stalledCount--;
    }

    boolean hasStalled() {
        return stalledCount > 0;
    }

    /** Bit i set = role i in sync. */
    long workingRoles() {
        return membership.workingRoles();
    }

    /** The member a leg slot addresses: a role, or a role's replacement (slot = role + raid disks). */
    Member slot(int s) {
        return membership.slot(s);
    }

    /** See {@link Membership#fail}. */
    boolean failMember(int slot, int errno) {
        return membership.fail(slot, errno);
    }

    int replacementCount() {
        return membership.replacementCount;
    }

    /**
     * Completes a request whose legs are all done, or parks it until metadata is durable. A
     * request already answered ahead of its write-behind legs is only released.
     */
    void finish(ArrayRequest r) {
        if (r.acked) {
            release(r);
            return;
        }
        answerWhenRecorded(r);
    }

    /**
     * Only write-behind legs of {@code r} are left: it is answered now, as md's write-behind
     * does, when a copy that is not write-mostly holds the data and nothing failed; otherwise it
     * waits for every leg.
     */
    void answerAhead(ArrayRequest r) {
        if (!r.acked && r.fastWrites > 0 && r.status == 0) {
            answerWhenRecorded(r);
        }
    }

    private void answerWhenRecorded(ArrayRequest r) {
        if (r.waitingMetadata) {
            return; // the metadata update in flight answers it
        }
        if (r.needsMetadata && r.status == 0 && metadata.enabled()) {
            r.waitingMetadata = true;
            metadata.waitFor(r);
            return;
        }
        complete(r);
    }

    /** Answers the request; releases it too once no leg of it is left (write-behind legs may be). */
    void complete(ArrayRequest r) {
        r.waitingMetadata = false;
        r.acked = true;
        var cb = r.callback;
        long tag = r.tag;
        int status = r.status;
        r.clear();
        if (r.outstanding == 0) {
            release(r);
        }
        cb.done(tag, status);
    }

    /** The request's last leg has ended: its write-gate holds (bitmap bits) go, and it is free again. */
    private void release(ArrayRequest r) {
        if (r.admitted) {
            r.admitted = false;
            for (WriteGate g : gates) {
                g.release(r.offset, r.length);
            }
        }
        freeRequests[freeRequestCount++] = r.index;
    }
}
