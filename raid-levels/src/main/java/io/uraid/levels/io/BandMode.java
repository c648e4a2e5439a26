package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.levels.parity.ParityLayout;

/** How a band of a write plan gets its new parity, chosen as md chooses (see {@link #choose}). */
final class BandMode {
    private BandMode() {
    }

    /** P for k = 0, Q for k = 1 (-1 when the level has no Q). */
    static int parityRole(ParityLayout layout, long stripe, int k) {
        return k == 0 ? layout.pRole(stripe) : layout.qRole(stripe);
    }

    /** True when a parity member of {@code stripe} takes writes. */
    static boolean parityWritable(ParityLayout layout, long stripe, Legs legs) {
        for (int k = 0; k < 2; k++) {
            int role = parityRole(layout, stripe, k);
            if (role >= 0 && legs.member(role).writable()) {
                return true;
            }
        }
        return false;
    }

    /**
     * md's choice: read-modify-write when it reads fewer blocks than reconstruct-write (and some),
     * else reconstruct-write; each only when the members it reads are in sync; REBUILD when
     * neither can, NONE when more roles are missing than the parity covers.
     */
    static int choose(ParityLayout layout, StripeBand band, Legs legs) {
        int h0 = band.rowFrom;
        int h1 = band.rowTo;
        int hull = pages(h1 - h0);
        boolean rmw = true;
        boolean rcw = true;
        int rmwCost = 0;
        int rcwCost = 0;
        boolean parity = false;
        for (int k = 0; k < 2; k++) {
            int role = parityRole(layout, band.stripe, k);
            if (role >= 0 && legs.member(role).writable()) {
                parity = true;
                rmw &= legs.member(role).inSync();
                rmwCost += hull;
            }
        }
        if (!parity) {
            return PlanState.RCW;
        }
        for (int dd = 0; dd < layout.dataDisks(); dd++) {
            boolean inSync = legs.member(layout.dataRole(band.stripe, dd)).inSync();
            int written = band.written(dd) ? pages(band.writtenTo(dd) - band.writtenFrom(dd)) : 0;
            boolean gaps = band.written(dd) && band.gaps(dd);
            boolean whole = band.written(dd) && !gaps && band.writtenFrom(dd) == h0 && band.writtenTo(dd) == h1;
            if (band.written(dd)) {
                rmw &= inSync;
                rmwCost += written;
            }
            if (!whole) {
                rcw &= inSync;
                rcwCost += gaps ? hull : hull - written; // a chunk with unwritten rows between its pieces is read whole
            }
        }
        if (rmw && rcw) {
            return rmwCost < rcwCost && rmwCost > 0 ? PlanState.RMW : PlanState.RCW;
        }
        if (rcw) {
            return PlanState.RCW;
        }
        if (rmw) {
            return PlanState.RMW;
        }
        int missing = 0;
        int n = layout.raidDisks();
        for (int role = 0; role < n; role++) {
            missing += legs.member(role).inSync() ? 0 : 1;
        }
        return missing <= n - layout.dataDisks() ? PlanState.REBUILD : PlanState.NONE;
    }

    static int pages(int bytes) {
        return (bytes + 4095) >>> 12;
    }

}
