package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;
import io.uraid.levels.parity.ParityLayout;

/**
 * md's stripe cache, for the writes of one dispatcher turn: a write covering part of a stripe
 * does not start its plan at once but waits here, holding the stripe's lock, for the writes the
 * same turn takes from the ring. Later writes to the stripe join its plan ({@link Legs#join});
 * when they cover the whole stripe the plan goes out at once as a full-stripe write (no reads),
 * and at the end of the turn ({@link #releaseAll}) every plan still here goes out covering all
 * its writes, read-modify-write or reconstruct-write by their combined reads. Nothing waits past
 * the turn that took it, so a lone write's latency does not change.
 *
 * <p>Bounded: at most {@link #capacity()} stripes wait (md's stripe_cache_size); a new one past
 * that sends the oldest out. A write overlapping one already waiting is not gathered: the waiting
 * plan goes out and the new write waits for the stripe's lock behind it, so overlapping writes
 * keep their ring order. Dispatcher thread only; nothing is allocated after {@link #capacity(int)}.
 */
final class StripeCache {
    private final ParityLayout layout;
    /** Waiting stripes and their plans, oldest first. */
    private long[] stripes = new long[0];
    private Plan[] plans = new Plan[0];
    private int count;
    /** Gather only writes that keep a stripe's written bytes one run (a log whose entries need it). */
    private boolean contiguous;

    StripeCache(ParityLayout layout) {
        this.layout = layout;
    }

    /** Sizes the cache (0: every write goes alone); before the array starts. */
    void capacity(int entries) {
        stripes = new long[entries];
        plans = new Plan[entries];
        count = 0;
    }

    /**
     * With {@code true}, a write joins a stripe's plan only when it extends the one run of bytes
     * the plan writes: md's partial parity log describes a stripe's writes as one range of
     * consecutive data chunks (md waits, as for an overlap, for a write that would break it).
     */
    void contiguousOnly(boolean only) {
        contiguous = only;
    }

    int capacity() {
        return plans.length;
    }

    boolean enabled() {
        return plans.length > 0;
    }

    /** Stripes waiting now. */
    int waiting() {
        return count;
    }

    /**
     * Write {@code r}'s piece {@code [at, end)} of {@code stripe} joins the plan waiting for that
     * stripe: true when it did (the plan goes out at once if the stripe is now covered). False
     * when no plan waits for the stripe, or the piece is the whole stripe, overlaps a waiting
     * write, or finds the plan full: that plan then goes out now, and {@code r} waits for the
     * stripe behind it.
     */
    boolean gather(Request r, long stripe, long at, long end, Legs legs) {
        int e = find(stripe);
        if (e < 0) {
            return false;
        }
        Plan p = plans[e];
        if (end - at < layout.stripeBytes() && !overlaps(p, at, end) && (!contiguous || extendsRun(p, at, end))
                && legs.join(p, r)) {
            p.word(PlanState.AT, Math.min(PlanState.at(p), at));
            p.word(PlanState.END, Math.max(PlanState.end(p), end));
            long covered = p.word(PlanState.BAND) + (end - at);
            p.word(PlanState.BAND, covered);
            if (covered == layout.stripeBytes()) {
                release(e, legs); // every byte of the stripe is new: a full-stripe write, no reads
            }
            return true;
        }
        release(e, legs);
        return false;
    }

    /** Write plan {@code p}, just opened for part of its stripe, waits here (the oldest goes out when full). */
    void add(Plan p, Legs legs) {
        if (count == plans.length) {
            release(0, legs);
        }
        PlanState.set(p, PlanState.GATHERING);
        p.phase(StripeWrite.GATHER);
        p.word(PlanState.BAND, PlanState.end(p) - PlanState.at(p)); // bytes of the stripe covered
        stripes[count] = layout.stripeOf(PlanState.at(p));
        plans[count++] = p;
    }

    /** The plan waiting for {@code stripe}, if any, goes out now (a read of the stripe waits for it). */
    void release(long stripe, Legs legs) {
        int e = find(stripe);
        if (e >= 0) {
            release(e, legs);
        }
    }

    /** Every waiting plan goes out, oldest first: the turn that took their writes ends. */
    void releaseAll(Legs legs) {
        int n = count;
        count = 0;
        for (int i = 0; i < n; i++) {
            Plan p = plans[i];
            plans[i] = null;
            PlanState.clear(p, PlanState.GATHERING);
            legs.resume(p);
        }
    }

    private void release(int e, Legs legs) {
        Plan p = plans[e];
        count--;
        System.arraycopy(stripes, e + 1, stripes, e, count - e);
        System.arraycopy(plans, e + 1, plans, e, count - e);
        plans[count] = null;
        PlanState.clear(p, PlanState.GATHERING);
        legs.resume(p);
    }

    private int find(long stripe) {
        for (int i = 0; i < count; i++) {
            if (stripes[i] == stripe) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code [at, end)} borders the plan's run of written bytes, which has no holes. */
    private static boolean extendsRun(Plan p, long at, long end) {
        long from = PlanState.at(p);
        long to = PlanState.end(p);
        return p.word(PlanState.BAND) == to - from && (at == to || end == from);
    }

    /** True when a request of {@code p} writes any byte of {@code [at, end)}. */
    private static boolean overlaps(Plan p, long at, long end) {
        for (int i = 0, n = p.requests(); i < n; i++) {
            Request r = p.request(i);
            if (r.offset() < end && at < r.offset() + r.length()) {
                return true;
            }
        }
        return false;
    }
}
