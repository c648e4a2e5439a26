package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.Plan;

/**
 * What happens to the requests a plan serves when one of its legs fails: a plan gathering
 * several writes of a stripe reads and writes the stripe's parity for all of them, so each meets
 * the failure as it would have met it in a plan of its own.
 */
final class PlanRequests {
    private PlanRequests() {
    }

    /** Every request of {@code p} fails with {@code errno} (unless an earlier error decided it). */
    static void fail(Plan p, int errno) {
        for (int i = 0, n = p.requests(); i < n; i++) {
            p.request(i).fail(errno);
        }
    }

    /** A member failed under every request of {@code p} and redundancy absorbed it. */
    static void recordFailureFirst(Plan p) {
        for (int i = 0, n = p.requests(); i < n; i++) {
            p.request(i).recordFailureFirst();
        }
    }

    /**
     * A write-like leg of {@code p} failed on {@code slot}: the member is failed (once) and every
     * request of the plan waits for the superblocks to say so, or, with no redundancy left, fails.
     */
    static void absorbOrFail(Plan p, Legs legs, int slot, int errno) {
        if (legs.failMember(slot, errno)) {
            recordFailureFirst(p);
        } else {
            fail(p, errno);
        }
    }
}
