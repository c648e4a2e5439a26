package io.uraid.levels.io;

import io.uraid.core.plan.Plan;

/**
 * How the parity level keeps its state in a plan's five words: the array range the plan covers,
 * the rows of the stripe its current band works on, and a state word (what the plan is, how the
 * band is written, what went wrong, where the next band starts). Static helpers only: the words
 * live in the pooled plan, nothing is allocated.
 */
final class PlanState {
    /**
     * Words: first array byte, end array byte (a plan gathering several requests: the hull of
     * theirs in its stripe), band rows (from | to &lt;&lt; 32; a read: the roles it read; while
     * gathering: the bytes of the stripe its requests cover), state, and the roles a write's
     * band read to rebuild the missing ones (bit per role; what was not read is what the
     * rebuild recreates, whatever changed in the members since: a rebuild ending or a member
     * failing elsewhere).
     */
    static final int AT = 0, END = 1, BAND = 2, STATE = 3, READ_ROLES = 4;

    /** Band modes (state bits 0-1). */
    static final int NONE = 0, RMW = 1, RCW = 2, REBUILD = 3;
    /** State bits: a write plan (else a reconstructing read); a read of the band failed; the request failed. */
    static final long WRITE = 4, READ_FAILED = 8, FAILED = 16;
    /** A reconstructing read left Q out (one member missing: P and the data suffice). */
    static final long Q_UNUSED = 32;
    /** A plan holding a request open while it opens the plans that rebuild what a failed read missed. */
    static final long HOLDER = 64;
    /** A write plan waiting in the stripe cache for more writes to its stripe (see {@link StripeCache}). */
    static final long GATHERING = 128;
    private static final int NEXT_ROW_SHIFT = 32;
    /** State bits 8-31: a ticket a {@link StripeLog} keeps for the band being written (0: none). */
    private static final int TICKET_SHIFT = 8;
    static final long TICKET_MASK = (1L << 24) - 1;

    private PlanState() {
    }

    static long at(Plan p) {
        return p.word(AT);
    }

    static long end(Plan p) {
        return p.word(END);
    }

    static int bandFrom(Plan p) {
        return (int) p.word(BAND);
    }

    static int bandTo(Plan p) {
        return (int) (p.word(BAND) >>> 32);
    }

    static void band(Plan p, int from, int to) {
        p.word(BAND, (from & 0xffffffffL) | (long) to << 32);
    }

    static int mode(Plan p) {
        return (int) (p.word(STATE) & 3);
    }

    static void mode(Plan p, int mode) {
        p.word(STATE, p.word(STATE) & ~3L | mode);
    }

    static boolean has(Plan p, long bit) {
        return (p.word(STATE) & bit) != 0;
    }

    static void set(Plan p, long bit) {
        p.word(STATE, p.word(STATE) | bit);
    }

    static void clear(Plan p, long bit) {
        p.word(STATE, p.word(STATE) & ~bit);
    }

    /** Row of the stripe where the next band starts. */
    static int nextRow(Plan p) {
        return (int) (p.word(STATE) >>> NEXT_ROW_SHIFT);
    }

    static void nextRow(Plan p, int row) {
        p.word(STATE, p.word(STATE) & 0xffffffffL | (long) row << NEXT_ROW_SHIFT);
    }

    /** The log's ticket for the plan's current band (0 when it has none). */
    static long ticket(Plan p) {
        return p.word(STATE) >>> TICKET_SHIFT & TICKET_MASK;
    }

    static void ticket(Plan p, long ticket) {
        p.word(STATE, p.word(STATE) & ~(TICKET_MASK << TICKET_SHIFT) | (ticket & TICKET_MASK) << TICKET_SHIFT);
    }
}
