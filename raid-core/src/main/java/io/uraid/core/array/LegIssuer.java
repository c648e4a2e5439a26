package io.uraid.core.array;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Legs;
import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;
import io.uraid.io.IoEngine;

/**
 * The core side of issuing legs: hands each request to its level's {@link LevelIo} (flushes
 * stay here: every member takes one), and implements the {@link Legs} the level issues through.
 * Every engine operation of a request is prepared from its leg record in {@link #prep}, so a leg
 * the engine had no room for waits in the deferred queue and goes out later unchanged.
 */
final class LegIssuer implements Legs {
    private final ArrayCore core;
    private final IoEngine engine;
    private final LegTable legs;
    private final LevelIo level;

    LegIssuer(ArrayCore core) {
        this.core = core;
        this.engine = core.engine;
        this.legs = core.legs;
        this.level = core.levelIo;
        this.opened = new int[core.plans.length];
        this.openedOutside = new int[core.plans.length];
    }

    /**
     * Issues as many legs of {@code r} as there is room for.
     *
     * @return true when every leg of the request has been issued
     */
    boolean issue(ArrayRequest r) {
        r.waitReason = ArrayRequest.WAIT_ROOM;
        if (r.op == Op.FLUSH) {
            return issueFlush(r);
        }
        if (core.behindParkedWrite(r)) {
            r.waitReason = ArrayRequest.WAIT_LOCK; // parked behind the earlier overlapping write
            return false;
        }
        if ((r.op == Op.WRITE || r.op == Op.DISCARD) && !r.admitted && !core.admitWrite(r)) {
            r.waitReason = ArrayRequest.WAIT_GATE; // waits (parked) for its bitmap bits or a sync window
            return false;
        }
        openedCount = 0;
        inIssue = true;
        boolean mapped = level.issue(r, this);
        inIssue = false;
        for (int i = 0; i < openedCount; i++) {
            ArrayPlan p = core.plans[opened[i]];
            if (p.request == r && p.outstanding == 0 && !p.waiting && !p.held) {
                phaseDone(p); // opened without legs (a write that needs no reads): its next phase now
            }
        }
        return mapped;
    }

    /** Plans opened during the current {@link LevelIo#issue} call. */
    private final int[] opened;
    private int openedCount;
    /** Inside {@link LevelIo#issue}: plans opened now are asked for their next phase when it returns. */
    private boolean inIssue;
    /** Plans opened outside {@link LevelIo#issue} (while a leg completed), not yet looked at. */
    private final int[] openedOutside;
    private int openedOutsideCount;

    /**
     * The plans opened while a leg completed that have no legs out: their next phase now (or
     * they wait for room), as a plan opened in {@link LevelIo#issue} without legs.
     */
    void startOpenedOutside() {
        for (int i = 0; i < openedOutsideCount; i++) {
            ArrayPlan p = core.plans[openedOutside[i]];
            if (p.request != null && p.outstanding == 0 && !p.waiting && !p.held) {
                phaseDone(p);
            }
        }
        openedOutsideCount = 0;
    }

    private boolean room(int n) {
        return engine.available() >= n && legs.available() >= n;
    }

    private boolean issueFlush(ArrayRequest r) {
        Member[] members = core.members;
        // cursor = next role to flush
        while (r.cursor < members.length) {
            Member m = members[(int) r.cursor];
            Member rep = core.replacements[(int) r.cursor];
            // Members being rebuilt take the flush too: a write acknowledged to the client must
            // be durable on them by the time they are promoted.
            if (!room((m.writable() ? 1 : 0) + (rep != null && rep.writable() ? 1 : 0))) {
                return false;
            }
            if (m.writable()) {
                flushLeg(r, m, (int) r.cursor);
            }
            if (rep != null && rep.writable()) {
                flushLeg(r, rep, (int) r.cursor + members.length);
            }
            r.cursor++;
        }
        return true;
    }

    private void flushLeg(ArrayRequest r, Member m, int slot) {
        int leg = legs.acquire(r.index, Op.FLUSH, slot);
        engine.prepFsync(m.device(), true, leg, 0);
        m.pending++;
        r.outstanding++;
    }

    // ---- Legs ----

    @Override
    public int raidDisks() {
        return core.members.length;
    }

    @Override
    public Member member(int slot) {
        return core.slot(slot);
    }

    @Override
    public Member replacement(int role) {
        return core.replacements[role];
    }

    @Override
    public int replacements() {
        return core.replacementCount();
    }

    @Override
    public int maxLegBytes() {
        return core.maxLegBytes;
    }

    /** Room for legs; where FUA is emulated a write may take two (the write, then its flush). */
    @Override
    public int room() {
        int room = Math.min(engine.available(), legs.available());
        return core.options.emulateFua() ? room / 2 : room;
    }

    @Override
    public int read(Request r, int slot, long memberOffset, long address, int length, int flags) {
        return leg(r, Op.READ, slot, memberOffset, address, length, flags);
    }

    @Override
    public int write(Request r, int slot, long memberOffset, long address, int length, int flags) {
        return leg(r, Op.WRITE, slot, memberOffset, address, length, flags);
    }

    @Override
    public int writeBehind(Request r, int slot, long memberOffset, long address, int length, int flags) {
        BehindWrites b = core.behind;
        if (b == null || ((flags & FUA) != 0 && core.options.emulateFua())) {
            return -1; // an emulated FUA adds a flush leg the request would still wait for
        }
        int copy = b.take(address, length, slot, memberOffset);
        if (copy < 0) {
            return -1;
        }
        int leg = leg(r, Op.WRITE, slot, memberOffset, b.address(copy), length, flags);
        legs.behind[leg] = copy;
        ((ArrayRequest) r).behind++;
        core.slot(slot).behindPending++;
        return leg;
    }

    @Override
    public boolean behindOverlaps(int slot, long memberOffset, long length) {
        BehindWrites b = core.behind;
        return b != null && core.slot(slot).behindPending > 0 && b.overlaps(slot, memberOffset, length);
    }

    @Override
    public int behindBytes() {
        return core.behind == null ? 0 : BehindWrites.SLOT_BYTES;
    }

    @Override
    public int discard(Request r, int slot, long memberOffset, long length) {
        return leg(r, Op.DISCARD, slot, memberOffset, 0, (int) length, 0);
    }

    @Override
    public int read(Plan p, int slot, long memberOffset, long address, int length, int flags) {
        return planLeg((ArrayPlan) p, Op.READ, slot, memberOffset, address, length, flags);
    }

    @Override
    public int write(Plan p, int slot, long memberOffset, long address, int length, int flags) {
        return planLeg((ArrayPlan) p, Op.WRITE, slot, memberOffset, address, length, flags);
    }

    @Override
    public int flush(Plan p, int slot, int flags) {
        ArrayPlan plan = (ArrayPlan) p;
        int leg = take(plan.request == null ? -1 : plan.request.index, Op.FUA_SYNC, slot, 0, 0, 0, flags);
        owned(leg, plan);
        send(leg);
        return leg;
    }

    @Override
    public Plan plan(int leg) {
        int p = legs.plan[leg];
        return p < 0 ? null : core.plans[p];
    }

    private int leg(Request request, byte kind, int slot, long memberOffset, long address, int length, int flags) {
        return issueLeg(((ArrayRequest) request).index, null, kind, slot, memberOffset, address, length, flags);
    }

    private int planLeg(ArrayPlan p, byte kind, int slot, long memberOffset, long address, int length, int flags) {
        return issueLeg(p.request == null ? -1 : p.request.index, p, kind, slot, memberOffset, address, length, flags);
    }

    /**
     * Takes a leg for a request (or one of its plans) and sends it. A FUA write on an array that
     * emulates FUA goes out plain, followed by an fdatasync of the member: linked to it (the
     * kernel runs the flush after the write, one submission) or, phased, issued when the write
     * has completed; the request completes after both.
     */
    private int issueLeg(int request, ArrayPlan p, byte kind, int slot, long memberOffset, long address, int length,
                         int flags) {
        boolean emulate = kind == Op.WRITE && (flags & FUA) != 0 && core.options.emulateFua();
        boolean linked = core.options.ordering() == ArrayOptions.Ordering.LINKED;
        if (emulate) {
            flags = (flags & ~FUA) | (linked ? LINK : 0);
        }
        int leg = take(request, kind, slot, memberOffset, address, length, flags);
        owned(leg, p);
        legs.syncAfter[leg] = emulate && !linked;
        send(leg);
        if (emulate && linked) {
            int sync = take(request, Op.FUA_SYNC, slot, 0, 0, 0, 0);
            owned(sync, p);
            send(sync);
        }
        return leg;
    }

    /** Leg {@code leg} counts towards plan {@code p}, or (null) its request, until it ends. */
    private void owned(int leg, ArrayPlan p) {
        if (p != null) {
            legs.plan[leg] = p.index;
            p.outstanding++;
        } else {
            core.requests[legs.request[leg]].outstanding++;
        }
    }

    /** The write {@code leg} (FUA emulated, phased) completed: its member's flush goes out now. */
    void syncAfter(int leg) {
        int sync = take(legs.request[leg], Op.FUA_SYNC, legs.role[leg], 0, 0, 0, 0);
        owned(sync, legs.plan[leg] < 0 ? null : core.plans[legs.plan[leg]]);
        if (!prep(sync)) {
            legs.defer(sync);
        }
    }

    private int take(int request, byte kind, int slot, long memberOffset, long address, int length, int flags) {
        int leg = legs.acquire(request, kind, slot);
        if (leg < 0) {
            throw new IllegalStateException(core.name + ": a level issued a leg without checking room");
        }
        legs.memberOffset[leg] = memberOffset;
        legs.address[leg] = address;
        legs.length[leg] = length;
        legs.flags[leg] = flags;
        return leg;
    }

    /** Prepares a new leg, or queues it when the engine refuses it despite room. */
    private void send(int leg) {
        int flags = legs.flags[leg];
        if (!prep(leg)) {
            if ((flags & LINK) != 0) {
                throw new IllegalStateException(core.name + ": the engine refused a linked leg it had room for");
            }
            legs.defer(leg); // an engine that refuses despite room: the leg goes out later
        }
    }

    // ---- plans ----

    @Override
    public Plan open(Request request, long lockFrom, long lockTo, boolean shared, int scratch) {
        ArrayRequest r = (ArrayRequest) request;
        if (scratch > ArrayPlan.MAX_SCRATCH || scratch > core.scratch.available()) {
            return null; // scratch comes back as plans end: the request waits for completions
        }
        ArrayPlan p = core.acquirePlan();
        if (p == null) {
            return null;
        }
        if (!core.locks.tryAcquire(lockFrom, lockTo, shared)) {
            core.releasePlan(p);
            r.waitReason = ArrayRequest.WAIT_LOCK; // parked: requests on other units go on
            return null;
        }
        p.open(r, lockFrom, lockTo, shared);
        for (int i = 0; i < scratch; i++) {
            p.scratch[i] = core.scratch.acquire();
        }
        p.scratchCount = scratch;
        r.outstanding++; // the open plan counts as one outstanding item of its request
        if (inIssue) {
            opened[openedCount++] = p.index;
        } else if (openedOutsideCount < openedOutside.length) {
            openedOutside[openedOutsideCount++] = p.index; // in a level's legDone: see startOpenedOutside
        }
        return p;
    }

    /**
     * Every leg of plan {@code p}'s phase has ended: the level issues the next phase, asks to
     * wait for room, or ends the plan, which then gives back its lock and scratch and counts
     * down its request.
     */
    void phaseDone(ArrayPlan p) {
        while (true) {
            int next = level.phaseDone(p, this);
            if (next == LevelIo.NEXT) {
                if (p.outstanding > 0) {
                    return;
                }
                continue; // a phase without legs (only computing): the next one at once
            }
            if (next == LevelIo.WAIT) {
                core.waitForRoom(p);
                return;
            }
            if (next == LevelIo.WAIT_EVENT) {
                core.waitForCompletion(p);
                return;
            }
            if (next == LevelIo.HOLD) {
                p.held = true; // the level resumes it (see resume)
                return;
            }
            close(p);
            return;
        }
    }

    private void close(ArrayPlan p) {
        core.locks.release(p.lockFrom, p.lockTo, p.shared);
        for (int i = 0; i < p.scratchCount; i++) {
            core.scratch.release(p.scratch[i]);
        }
        ArrayRequest r = p.request;
        int joinedCount = p.joinedCount;
        p.joinedCount = 0;
        core.releasePlan(p);
        countDown(r);
        for (int i = 0; i < joinedCount; i++) {
            countDown(core.requests[p.joined[i]]);
        }
    }

    /** A plan of {@code r} has ended: {@code r} completes when it was its last outstanding item. */
    private void countDown(ArrayRequest r) {
        if (r != null && --r.outstanding == 0 && r.fullyIssued() && !r.stalled) {
            core.finish(r);
        }
    }

    @Override
    public boolean join(Plan plan, Request request) {
        ArrayPlan p = (ArrayPlan) plan;
        if (p.joinedCount == p.joined.length) {
            return false;
        }
        ArrayRequest r = (ArrayRequest) request;
        p.joined[p.joinedCount++] = r.index;
        r.outstanding++;
        return true;
    }

    @Override
    public void resume(Plan plan) {
        ArrayPlan p = (ArrayPlan) plan;
        if (!p.held) {
            return; // opened in the call that resumes it: the core asks it once that call returns
        }
        p.held = false;
        phaseDone(p);
    }

    @Override
    public boolean waitIfHeld(Request r, long unit) {
        if (!core.locks.heldExclusively(unit)) {
            return false;
        }
        ((ArrayRequest) r).waitReason = ArrayRequest.WAIT_LOCK;
        return true;
    }

    /** Asks the plans that waited for room again, oldest first; returns how many went on. */
    int resumeWaitingPlans() {
        int n = core.waitingPlanCount();
        int resumed = 0;
        for (int i = 0; i < n; i++) {
            ArrayPlan p = core.pollWaitingPlan();
            phaseDone(p);
            if (!p.waiting) {
                resumed++;
            }
        }
        return resumed;
    }

    /** Prepares the engine operation of leg record {@code leg}; false, with nothing issued, when the engine is full. */
    boolean prep(int leg) {
        Member m = core.slot(legs.role[leg]);
        long at = m.dataOffset() + legs.memberOffset[leg];
        boolean ok;
        switch (legs.kind[leg]) {
            case Op.READ:
                ok = engine.prepRead(m.device(), at, legs.address[leg], legs.length[leg], leg, legs.flags[leg]);
                if (ok) {
                    core.countDataLeg(legs.address[leg], legs.length[leg]);
                }
                break;
            case Op.WRITE:
                ok = engine.prepWrite(m.device(), at, legs.address[leg], legs.length[leg], leg, legs.flags[leg]);
                if (ok) {
                    core.countDataLeg(legs.address[leg], legs.length[leg]);
                }
                break;
            case Op.FUA_SYNC:
                ok = engine.prepFsync(m.device(), true, leg, legs.flags[leg]);
                break;
            case Op.DISCARD:
                ok = engine.prepDiscard(m.device(), at, legs.length[leg], leg, legs.flags[leg]);
                break;
            default:
                throw new IllegalStateException("leg kind " + legs.kind[leg] + " is not prepared from its record");
        }
        if (ok) {
            m.pending++;
        }
        return ok;
    }

    /** Issues the legs that waited for room, oldest first, while there is room; returns how many. */
    int issueDeferred() {
        int n = 0;
        int leg;
        while ((leg = legs.peekDeferred()) >= 0 && prep(leg)) {
            legs.popDeferred();
            n++;
        }
        return n;
    }

    @Override
    public void retry(int leg, int slot, long memberOffset) {
        legs.role[leg] = slot;
        legs.memberOffset[leg] = memberOffset;
        legs.issuedAt[leg] = System.nanoTime();
        if (!prep(leg)) {
            legs.defer(leg); // the engine is full: the retry goes out once a completion makes room
        }
    }

    @Override
    public int slot(int leg) {
        return legs.role[leg];
    }

    @Override
    public long address(int leg) {
        return legs.address[leg];
    }

    @Override
    public int length(int leg) {
        return legs.length[leg];
    }

    @Override
    public void note(int leg, int tag, int copy, long arrayOffset) {
        legs.tag[leg] = (byte) tag;
        legs.copy[leg] = copy;
        legs.arrayOffset[leg] = arrayOffset;
    }

    @Override
    public int tag(int leg) {
        return legs.tag[leg];
    }

    @Override
    public int copy(int leg) {
        return legs.copy[leg];
    }

    @Override
    public long arrayOffset(int leg) {
        return legs.arrayOffset[leg];
    }

    @Override
    public int otherSlot(int leg) {
        return legs.otherSlot[leg];
    }

    @Override
    public void otherSlot(int leg, int slot) {
        legs.otherSlot[leg] = slot;
    }

    @Override
    public int mask(int leg) {
        return legs.mask[leg];
    }

    @Override
    public void mask(int leg, int mask) {
        legs.mask[leg] = mask;
    }

    @Override
    public boolean failMember(int slot, int errno) {
        return core.failMember(slot, errno);
    }

    @Override
    public long countReadError(int slot) {
        Member m = core.slot(slot);
        m.errors++;
        return ++m.readErrors;
    }

    @Override
    public int readErrorLimit() {
        return core.readErrorLimit;
    }

    @Override
    public int steer(long offset, long length) {
        ReadSteer s = core.readSteer;
        return s == null ? -1 : s.copyFor(offset, length);
    }
}
