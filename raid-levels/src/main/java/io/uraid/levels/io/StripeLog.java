package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.Plan;

/**
 * A write-ahead step of the parity write path: md's partial parity log (PPL) writes, for each
 * stripe being written, an entry to the stripe's parity member (with FUA) before any data or
 * parity leg of the stripe goes out, so that after a crash the stripe's parity can be made
 * consistent again. The write plan asks its log once per band, after the band's reads have
 * completed (old data and old parity, or the untouched data, are in the plan's scratch, see
 * {@link StripeBand}) and before it computes the new parity and issues the data and parity legs,
 * which wait until every leg the log issued has completed.
 *
 * <p>Dispatcher thread only; nothing may be allocated per call.
 */
public interface StripeLog {
    /** No log: the data and parity legs follow the reads at once. */
    StripeLog NONE = new StripeLog() {
        @Override
        public int legs(StripeBand band) {
            return 0;
        }

        @Override
        public boolean write(Plan p, StripeBand band, Legs legs) {
            return false;
        }

        @Override
        public void legDone(Plan p, int leg, int result, Legs legs) {
        }
    };

    /** Legs {@link #write} would issue for {@code band} (the plan checks room for them first). */
    int legs(StripeBand band);

    /**
     * Issues the log's legs for {@code band} of plan {@code p} ({@link Legs#read}/{@link Legs#write}
     * on the plan); true when it issued any, and the band's data and parity legs then go out once
     * they have completed. False: nothing to log (the legs go out at once).
     */
    boolean write(Plan p, StripeBand band, Legs legs);

    /**
     * A leg the log issued ended with {@code result}. A failed log write must not let the stripe's
     * data out unprotected: the log fails its member ({@link Legs#absorbOrFail}) as md does.
     */
    void legDone(Plan p, int leg, int result, Legs legs);
}
