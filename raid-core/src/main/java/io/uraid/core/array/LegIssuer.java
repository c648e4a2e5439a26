package io.uraid.core.array;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Legs;
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
    }

    /**
     * Issues as many legs of {@code r} as there is room for.
     *
     * @return true when every leg of the request has been issued
     */
    boolean issue(ArrayRequest r) {
        if (r.op == Op.FLUSH) {
            return issueFlush(r);
        }
        if ((r.op == Op.WRITE || r.op == Op.DISCARD) && !r.admitted && !core.admitWrite(r)) {
            return false; // waits (parked) for its bitmap bits or a sync window
        }
        return level.issue(r, this);
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

    @Override
    public int room() {
        return Math.min(engine.available(), legs.available());
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
    public int discard(Request r, int slot, long memberOffset, long length) {
        return leg(r, Op.DISCARD, slot, memberOffset, 0, (int) length, 0);
    }

    private int leg(Request request, byte kind, int slot, long memberOffset, long address, int length, int flags) {
        ArrayRequest r = (ArrayRequest) request;
        int leg = legs.acquire(r.index, kind, slot);
        if (leg < 0) {
            throw new IllegalStateException(core.name + ": a level issued a leg without checking room");
        }
        legs.memberOffset[leg] = memberOffset;
        legs.address[leg] = address;
        legs.length[leg] = length;
        legs.flags[leg] = flags;
        r.outstanding++;
        if (!prep(leg)) {
            if ((flags & LINK) != 0) {
                throw new IllegalStateException(core.name + ": the engine refused a linked leg it had room for");
            }
            legs.defer(leg); // an engine that refuses despite room: the leg goes out later
        }
        return leg;
    }

    /** Prepares the engine operation of leg record {@code leg}; false, with nothing issued, when the engine is full. */
    boolean prep(int leg) {
        Member m = core.slot(legs.role[leg]);
        long at = m.dataOffset() + legs.memberOffset[leg];
        boolean ok;
        switch (legs.kind[leg]) {
            case Op.READ:
                ok = engine.prepRead(m.device(), at, legs.address[leg], legs.length[leg], leg, legs.flags[leg]);
                break;
            case Op.WRITE:
                ok = engine.prepWrite(m.device(), at, legs.address[leg], legs.length[leg], leg, legs.flags[leg]);
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
