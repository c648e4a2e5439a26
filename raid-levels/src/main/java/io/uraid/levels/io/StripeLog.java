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
 * which wait until every leg the log issued has completed. A log may also hold a band back
 * ({@link #WAIT}: the plan is asked again after completions), e.g. while an earlier log write of
 * the same member is still needed, and hears when the band's writes are over ({@link #bandEnded}).
 *
 * <p>Dispatcher thread only; nothing may be allocated per call.
 */
public interface StripeLog {
    /** {@link #write}: nothing to wait for, the band's data and parity legs go out now. */
    int GO = 0;
    /** {@link #write}: the log issued legs on the plan; the band's legs go out once they have completed. */
    int LOGGING = 1;
    /** {@link #write}: not yet, for want of another leg's completion; ask again (same band) after one. */
    int WAIT = 2;

    /** No log: the data and parity legs follow the reads at once. */
    StripeLog NONE = new StripeLog() {
        @Override
        public int legs(StripeBand band) {
            return 0;
        }

        @Override
        public int write(Plan p, StripeBand band, Legs legs) {
            return GO;
        }

        @Override
        public void legDone(Plan p, int leg, int result, Legs legs) {
        }

        @Override
        public void bandEnded(Plan p) {
        }
    };

    /** Legs {@link #write} would issue for {@code band} (the plan checks room for them first). */
    int legs(StripeBand band);

    /**
     * Logs {@code band} of plan {@code p}: {@link #LOGGING} when it issued legs on the plan
     * ({@link Legs#write}, {@link Legs#flush}; it is asked again, for the same band, once they
     * have completed); {@link #GO} when there is nothing (more) to wait for, and the band's data
     * and parity legs go out; {@link #WAIT} to be asked again later for the same band.
     */
    int write(Plan p, StripeBand band, Legs legs);

    /**
     * A leg the log issued ended with {@code result}. A failed log write must not let the stripe's
     * data out unprotected: the log fails its member ({@link Legs#absorbOrFail}) as md does.
     */
    void legDone(Plan p, int leg, int result, Legs legs);

    /**
     * The band of {@code p} the log last saw is over: its data and parity legs have completed,
     * or the plan ends without writing it (a failed request).
     */
    void bandEnded(Plan p);

    /** See {@link io.uraid.core.plan.LevelIo#memberChanged}: the log of {@code role} follows its new device. */
    default void memberChanged(int role, io.uraid.core.sb.MdSuperblock superblock) {
    }

    /** See {@link io.uraid.core.plan.LevelIo#setup}: what the log needs on a device before it is rebuilt. */
    default io.uraid.core.plan.MemberSetup setup(int role, io.uraid.core.sb.MdSuperblock superblock) {
        return io.uraid.core.plan.MemberSetup.NONE;
    }
}
