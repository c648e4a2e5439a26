package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;
import io.uraid.io.Errno;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;

/**
 * Reads of a parity array. A piece of a stripe being written (its lock held exclusively: a
 * write plan, one waiting in the {@link StripeCache} too, or a sync window) waits for it, so a
 * read never returns bytes older than a write taken before it. A piece whose member is in sync
 * is one leg, no plan (md's reads that bypass the stripe cache). A piece whose member is missing (or being rebuilt, or failed under
 * the read) is a plan holding its stripe's lock shared (readers together, writers of the stripe
 * wait): phase 0 reads the same rows of every other in-sync member into scratch, then the piece
 * is rebuilt into the client's buffer (raid6: with any two members missing).
 */
final class StripeRead {
    private final ParityLayout layout;
    private final StripeParity math;
    private final int n;
    private final long[] roleAddress;
    private final StripeCache cache;

    StripeRead(ParityLayout layout, StripeParity math, StripeCache cache) {
        this.layout = layout;
        this.cache = cache;
        this.math = math;
        this.n = layout.raidDisks();
        this.roleAddress = new long[n];
    }

    boolean issue(Request r, Legs legs, int bandBytes) {
        while (r.cursor() < r.length()) {
            long at = r.offset() + r.cursor();
            int len = (int) Math.min(Math.min(r.length() - r.cursor(), layout.bytesToChunkEnd(at)), legs.maxLegBytes());
            int role = layout.roleOf(at);
            long stripe = layout.stripeOf(at);
            if (legs.waitIfHeld(r, stripe)) {
                cache.release(stripe, legs); // a write waiting in the cache goes out now; the read follows it
                return false;
            }
            if (legs.member(role).inSync()) {
                if (legs.room() < 1) {
                    return false;
                }
                int leg = legs.read(r, role, layout.memberOffsetOf(at), r.address() + r.cursor(), len, 0);
                legs.note(leg, 0, 0, at);
            } else {
                len = Math.min(len, bandBytes);
                if (legs.room() < n) {
                    return false;
                }
                if (!reconstruct(r, at, len, legs)) {
                    return false;
                }
            }
            r.advance(len);
        }
        return true;
    }

    /** Opens a plan rebuilding array bytes {@code [at, at + len)} (one chunk, one band); false when it cannot now. */
    private boolean reconstruct(Request r, long at, int len, Legs legs) {
        if (missing(legs) > n - layout.dataDisks()) {
            r.fail(-Errno.EIO); // more members missing than the parity covers: the array has failed
            return true;
        }
        long stripe = layout.stripeOf(at);
        Plan p = legs.open(r, stripe, stripe, true, n);
        if (p == null) {
            return false;
        }
        p.word(PlanState.AT, at);
        p.word(PlanState.END, at + len);
        readOthers(p, legs);
        return true;
    }

    private int missing(Legs legs) {
        int missing = 0;
        for (int role = 0; role < n; role++) {
            missing += legs.member(role).inSync() ? 0 : 1;
        }
        return missing;
    }

    /** Phase 0: the same rows of every in-sync member (raid6 with one missing: without Q, P suffices). */
    private void readOthers(Plan p, Legs legs) {
        long at = PlanState.at(p);
        int len = (int) (PlanState.end(p) - at);
        long stripe = layout.stripeOf(at);
        int q = missing(legs) == 1 ? layout.qRole(stripe) : -1;
        long off = layout.memberOffsetOf(at);
        p.phase(0);
        long read = 0;
        for (int role = 0; role < n; role++) {
            if (role != q && legs.member(role).inSync()) {
                legs.read(p, role, off, p.scratch(role), len, 0);
                read |= 1L << role;
            }
        }
        p.word(PlanState.BAND, read); // what the rebuild may use, whatever fails meanwhile elsewhere
        if (q >= 0) {
            PlanState.set(p, PlanState.Q_UNUSED);
        } else {
            PlanState.clear(p, PlanState.Q_UNUSED);
        }
    }

    /**
     * A direct read failed: its member is failed where redundancy allows and the piece is rebuilt
     * from the others. The leg's completion is no place to wait for a stripe, scratch or room, so
     * a plan with neither lock nor scratch holds the request open and opens the rebuilding plans
     * (a band each) as they become free ({@link #holderPhase}).
     */
    void directReadFailed(Request r, int leg, int result, Legs legs) {
        if (!legs.failMember(legs.slot(leg), result)) {
            r.fail(result);
            return;
        }
        r.recordFailureFirst();
        Plan holder = legs.open(r, 1, 0, true, 0); // an empty lock range: always free
        if (holder == null) {
            r.fail(result);
            return;
        }
        long at = legs.arrayOffset(leg);
        holder.word(PlanState.AT, at);
        holder.word(PlanState.END, at + legs.length(leg));
        holder.word(PlanState.BAND, at);
        holder.word(PlanState.STATE, PlanState.HOLDER);
    }

    /** A holder plan opens the rebuilding plans of its range, band by band, as they can be opened. */
    private int holderPhase(Plan holder, Legs legs, int bandBytes) {
        Request r = holder.request();
        long end = PlanState.end(holder);
        for (long at = holder.word(PlanState.BAND); at < end; at = holder.word(PlanState.BAND)) {
            int len = (int) Math.min(end - at, bandBytes);
            if (missing(legs) > n - layout.dataDisks()) {
                r.fail(-Errno.EIO);
                return LevelIo.DONE;
            }
            if (legs.room() < n) {
                return LevelIo.WAIT;
            }
            long stripe = layout.stripeOf(at);
            Plan p = legs.open(r, stripe, stripe, true, n);
            if (p == null) {
                return LevelIo.WAIT; // asked again each turn: the stripe's writer or the scratch comes free
            }
            p.word(PlanState.AT, at);
            p.word(PlanState.END, at + len);
            readOthers(p, legs);
            holder.word(PlanState.BAND, at + len);
        }
        return LevelIo.DONE;
    }

    void legDone(Plan p, int leg, int result, Legs legs) {
        if (result >= 0) {
            return;
        }
        if (legs.failMember(legs.slot(leg), result)) {
            p.request().recordFailureFirst();
            PlanState.set(p, PlanState.READ_FAILED);
        } else {
            p.request().fail(result);
            PlanState.set(p, PlanState.FAILED);
        }
    }

    int phaseDone(Plan p, Legs legs, int bandBytes) {
        if (PlanState.has(p, PlanState.HOLDER)) {
            return holderPhase(p, legs, bandBytes);
        }
        if (PlanState.has(p, PlanState.FAILED)) {
            return LevelIo.DONE;
        }
        Request r = p.request();
        if (PlanState.has(p, PlanState.READ_FAILED)) {
            PlanState.clear(p, PlanState.READ_FAILED);
            if (missing(legs) > n - layout.dataDisks()) {
                r.fail(-Errno.EIO);
                return LevelIo.DONE;
            }
            if (legs.room() < n) {
                PlanState.set(p, PlanState.READ_FAILED); // asked again once there is room
                return LevelIo.WAIT;
            }
            readOthers(p, legs);
            return LevelIo.NEXT;
        }
        long at = PlanState.at(p);
        int len = (int) (PlanState.end(p) - at);
        long stripe = layout.stripeOf(at);
        int target = layout.roleOf(at);
        int unused = PlanState.has(p, PlanState.Q_UNUSED) ? layout.qRole(stripe) : -1;
        long read = p.word(PlanState.BAND);
        int lostB = -1;
        for (int role = 0; role < n; role++) {
            roleAddress[role] = p.scratch(role);
            if (role != target && role != unused && (read & 1L << role) == 0) {
                lostB = role;
            }
        }
        roleAddress[target] = r.address() + (at - r.offset());
        math.rebuild(stripe, roleAddress, target, lostB, len);
        return LevelIo.DONE;
    }
}
