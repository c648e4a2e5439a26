package io.uraid.core.array;

import io.uraid.core.spi.Layout;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;

/**
 * Turns requests into legs: splits each request at the layout's boundaries (so every piece is
 * contiguous on each member), picks the copies, and prepares one engine operation per leg.
 * Issuing resumes from the request's cursor when the engine or the leg table is full.
 */
final class LegIssuer {
    private final ArrayCore core;
    private final Layout layout;
    private final IoEngine engine;
    private final LegTable legs;

    LegIssuer(ArrayCore core) {
        this.core = core;
        this.layout = core.layout;
        this.engine = core.engine;
        this.legs = core.legs;
    }

    /**
     * Issues as many legs of {@code r} as there is room for.
     *
     * @return true when every leg of the request has been issued
     */
    boolean issue(ArrayRequest r) {
        switch (r.op) {
            case Op.FLUSH:
                return issueFlush(r);
            case Op.READ:
                return issueReads(r);
            default:
                return issueWritesOrDiscards(r);
        }
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
                int leg = legs.acquire(r.index, Op.FLUSH, (int) r.cursor);
                engine.prepFsync(m.device(), true, leg, 0);
                m.pending++;
                r.outstanding++;
            }
            if (rep != null && rep.writable()) {
                int leg = legs.acquire(r.index, Op.FLUSH, (int) r.cursor + members.length);
                engine.prepFsync(rep.device(), true, leg, 0);
                rep.pending++;
                r.outstanding++;
            }
            r.cursor++;
        }
        return true;
    }

    private long pieceLength(ArrayRequest r, long arrayOffset) {
        long rest = r.length - r.cursor;
        return Math.min(Math.min(rest, layout.bytesToBoundary(arrayOffset)), core.maxLegBytes);
    }

    private boolean issueReads(ArrayRequest r) {
        while (r.cursor < r.length) {
            if (!room(1)) {
                return false;
            }
            long arrayOffset = r.offset + r.cursor;
            int len = (int) pieceLength(r, arrayOffset);
            int copy = steeredCopy(arrayOffset, len);
            if (copy < 0) {
                r.fail(-Errno.EIO);
                r.cursor += len;
                continue;
            }
            int role = layout.member(arrayOffset, copy);
            int leg = legs.acquire(r.index, Op.READ, role);
            legs.copy[leg] = copy;
            legs.tried[leg] = 1 << copy;
            legs.arrayOffset[leg] = arrayOffset;
            legs.address[leg] = r.address + r.cursor;
            legs.length[leg] = len;
            if (!prepRead(leg)) {
                legs.release(leg); // room was checked; an engine that still refuses is retried later
                return false;
            }
            r.outstanding++;
            r.cursor += len;
        }
        return true;
    }

    private int steeredCopy(long arrayOffset, int len) {
        if (core.readSteer != null) {
            int c = core.readSteer.copyFor(arrayOffset, len);
            if (c >= 0 && core.members[layout.member(arrayOffset, c)].inSync()) {
                return c;
            }
        }
        return chooseReadCopy(arrayOffset, 0);
    }

    /**
     * Prepares the read described by leg record {@code leg} (first try or retry); false, with
     * nothing issued, when the engine has no room.
     */
    boolean prepRead(int leg) {
        int copy = legs.copy[leg];
        long arrayOffset = legs.arrayOffset[leg];
        Member m = core.members[legs.role[leg]];
        long at = m.dataOffset() + layout.memberOffset(arrayOffset, copy);
        if (!engine.prepRead(m.device(), at, legs.address[leg], legs.length[leg], leg, 0)) {
            return false;
        }
        m.pending++;
        return true;
    }

    /** Issues the legs that waited for room, oldest first, while there is room; returns how many. */
    int issueDeferred() {
        int n = 0;
        int leg;
        while ((leg = legs.peekDeferred()) >= 0 && prepRead(leg)) { // only read retries wait here
            legs.popDeferred();
            n++;
        }
        return n;
    }

    /**
     * The in-sync copy of {@code arrayOffset} with the fewest legs pending (md's least-busy
     * choice for non-rotational members), skipping copies in {@code triedMask}; -1 if none.
     */
    int chooseReadCopy(long arrayOffset, int triedMask) {
        int best = -1;
        int bestPending = Integer.MAX_VALUE;
        int copies = layout.copies();
        for (int c = 0; c < copies; c++) {
            if ((triedMask & (1 << c)) != 0) {
                continue;
            }
            Member m = core.members[layout.member(arrayOffset, c)];
            if (m.inSync() && m.pending < bestPending) {
                best = c;
                bestPending = m.pending;
            }
        }
        return best;
    }

    private boolean issueWritesOrDiscards(ArrayRequest r) {
        int copies = layout.copies();
        boolean discard = r.op == Op.DISCARD;
        int engineFlags = (r.flags & io.uraid.core.api.BlockTarget.FUA) != 0 ? IoEngine.FUA : 0;
        if (!r.admitted && !core.admitWrite(r)) {
            return false; // waits (stalled) for its bitmap bits or a sync window
        }
        while (r.cursor < r.length) {
            if (!room(copies + core.replacementCount())) {
                return false;
            }
            long arrayOffset = r.offset + r.cursor;
            long len = pieceLength(r, arrayOffset);
            int written = 0;
            for (int c = 0; c < copies; c++) {
                int role = layout.member(arrayOffset, c);
                Member m = core.members[role];
                if (!m.writable()) {
                    continue;
                }
                prepWriteLeg(r, m, role, c, arrayOffset, len, discard, engineFlags);
                written++;
                Member rep = core.replacements[role];
                if (rep != null && rep.writable()) { // the device replacing it must miss no write
                    prepWriteLeg(r, rep, role + core.members.length, c, arrayOffset, len, discard, engineFlags);
                }
            }
            if (written == 0) {
                r.fail(-Errno.EIO); // no working copy of this piece: the array has failed
            }
            r.cursor += len;
        }
        return true;
    }

    /** One write or discard leg of copy {@code c} to member {@code m} (leg slot {@code slot}). */
    private void prepWriteLeg(ArrayRequest r, Member m, int slot, int c, long arrayOffset, long len,
                              boolean discard, int engineFlags) {
        int leg = legs.acquire(r.index, discard ? Op.DISCARD : Op.WRITE, slot);
        legs.copy[leg] = c;
        legs.arrayOffset[leg] = arrayOffset;
        legs.address[leg] = r.address + r.cursor;
        legs.length[leg] = (int) len;
        long at = m.dataOffset() + layout.memberOffset(arrayOffset, c);
        if (discard) {
            engine.prepDiscard(m.device(), at, len, leg, 0);
        } else {
            engine.prepWrite(m.device(), at, legs.address[leg], (int) len, leg, engineFlags);
        }
        m.pending++;
        r.outstanding++;
    }

    /** Rewrites a range that failed to read on {@code role} with the good copy just read. */
    boolean prepRewrite(int readLeg) {
        if (!room(1)) {
            return false;
        }
        int role = legs.badRole[readLeg];
        Member m = core.members[role];
        if (!m.inSync()) {
            return false;
        }
        int request = legs.request[readLeg];
        int leg = legs.acquire(request, Op.REWRITE, role);
        long arrayOffset = legs.arrayOffset[readLeg];
        int badCopy = copyOn(arrayOffset, role);
        legs.arrayOffset[leg] = arrayOffset;
        legs.address[leg] = legs.address[readLeg];
        legs.length[leg] = legs.length[readLeg];
        long at = m.dataOffset() + layout.memberOffset(arrayOffset, badCopy);
        engine.prepWrite(m.device(), at, legs.address[leg], legs.length[leg], leg, 0);
        m.pending++;
        core.requests[request].outstanding++;
        return true;
    }

    private int copyOn(long arrayOffset, int role) {
        for (int c = 0; c < layout.copies(); c++) {
            if (layout.member(arrayOffset, c) == role) {
                return c;
            }
        }
        throw new IllegalStateException("role " + role + " holds no copy of offset " + arrayOffset);
    }
}
