package io.uraid.levels.io;

import io.uraid.core.array.Member;
import io.uraid.core.plan.Legs;
import io.uraid.core.plan.MemberSetup;
import io.uraid.core.plan.Plan;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.Xor;
import io.uraid.levels.ppl.PplArea;
import io.uraid.levels.ppl.PplAreaClear;
import io.uraid.levels.ppl.PplLogCursor;
import io.uraid.levels.ppl.PplLogUnit;
import java.util.List;
import java.util.logging.Logger;

/**
 * md's partial parity log on the raid5 write path: before a band's data and parity legs go
 * out, its partial parity (the XOR of the data chunks the write leaves alone, row by row) is
 * written with FUA to the log area of the stripe's parity member, as md does.
 *
 * <p>md keeps one log write in flight per member, and starts the next only when every stripe
 * of the previous one has been written: recovery reads only the newest log write of a member,
 * so a newer one must not go down while stripes only an older one describes are still being
 * written. Bands arriving meanwhile gather in the member's next log write (one FUA for many
 * stripes); the first of them asked after the previous one retires writes it, the others wait
 * for that write ({@link StripeLog#WAIT}), then go on.
 *
 * <p>Which bands are logged is md's rule (ppl_write_stripe logs a stripe whose parity device is
 * R5_Insync for it, which analyse_stripe sets for a device in sync and for one being rebuilt
 * when the stripe lies below its recovery_offset): a band whose parity member is in sync, or
 * is being rebuilt and has the band's rows already rebuilt ({@link #logged}). A stripe above
 * the recovery offset is not logged: after a crash the rebuild resumes below it and writes its
 * parity from the data anyway. A band whose parity member is missing or failed is not logged.
 *
 * <p>A completed leg is not yet on stable media (page cache, drive cache), and a log write may
 * supersede the previous one only once the stripes that one describes are: as md flushes the
 * members with a volatile cache before it retires a log write, the next log write of a member
 * goes out only after a flush of every member the previous one's stripes wrote (a phase of its
 * own: a crash may keep a write the kernel has not completed, so a link would not order them on
 * the media).
 *
 * <p>A device taking a role keeps that role's log in the area its own superblock names
 * ({@link #memberChanged}); before a rebuild copies anything to it, its area is cleared as md
 * clears it ({@link #setup}), so no log it held before can be replayed.
 *
 * <p>Dispatcher thread only; nothing is allocated per band: two units per member, reused.
 */
public final class PplStripeLog implements StripeLog {
    private static final Logger LOG = Logger.getLogger(PplStripeLog.class.getName());
    /** Leg tag of log writes (Legs keeps a byte; the flushes before a log write carry none, 0). */
    static final int TAG = 0x51;
    /** Zeros one write of an area's clearing carries. */
    private static final int ZERO_BYTES = 64 << 10;

    private final ParityLayout layout;
    private final MemberLog[] logs;
    private final int dataDisks;
    private final int[] cuts;
    private final long[] sources;
    /** md's empty log header of this array (generation 0), and zeros: what a joining device's area gets. */
    private final NativeBuffer emptyHeader;
    private final NativeBuffer zeros;
    private long generation;

    /** One member's log: the unit being written (or whose stripes still are), and the next. */
    private static final class MemberLog {
        /** Where the device now in the role logs; null when its area is unusable (nothing logged). */
        PplLogCursor cursor;
        /** Partial parity one log write of the role's device may carry (its area's). */
        int space;
        PplLogUnit next;
        PplLogUnit inFlight;
        PplLogUnit spare;
        int nextBands;
        int inFlightBands;
        boolean inFlightWritten;
        /** Roles the bands of the next log write, of the one in flight, and of retired ones not yet flushed, write. */
        long nextRoles;
        long inFlightRoles;
        long unflushedRoles;
        /** The plan flushing {@link #unflushedRoles} before it writes the next log write, or null. */
        Plan flusher;

        MemberLog(PplArea area, PplLogUnit a, PplLogUnit b) {
            this.cursor = new PplLogCursor(area);
            this.space = area.partialParitySpace();
            this.next = a;
            this.spare = b;
        }
    }

    /**
     * @param layout      the array's raid5 layout
     * @param areas       each role's log area (null for a role that keeps none); a role without a
     *                    device at assembly gets the area its next device will have, so that a
     *                    spare taking it is logged as md's ppl_modify_log starts its log
     * @param signature   the array's PPL signature
     * @param unitBytes   the array's logical block size
     */
    public PplStripeLog(ParityLayout layout, PplArea[] areas, int signature, int unitBytes) {
        if (layout.level() != 5) {
            throw new IllegalArgumentException("the partial parity log is raid5's");
        }
        this.layout = layout;
        this.dataDisks = layout.dataDisks();
        this.logs = new MemberLog[layout.raidDisks()];
        this.cuts = new int[2 * dataDisks + 2];
        this.sources = new long[layout.raidDisks()];
        this.emptyHeader = NativeBuffer.allocate(PplHeader.BYTES);
        new PplHeader(signature, 0, List.of()).encodeInto(emptyHeader.view());
        this.zeros = NativeBuffer.allocate(ZERO_BYTES);
        UnsafeAccess.setMemory(zeros.address(), ZERO_BYTES, (byte) 0);
        for (int r = 0; r < logs.length; r++) {
            if (areas[r] != null) {
                int space = areas[r].partialParitySpace();
                logs[r] = new MemberLog(areas[r],
                        new PplLogUnit(signature, layout.chunkBytes(), unitBytes, space),
                        new PplLogUnit(signature, layout.chunkBytes(), unitBytes, space));
                logs[r].next.reset(++generation);
            }
        }
    }

    @Override
    public int legs(StripeBand band) {
        return logs[layout.pRole(band.stripe())] == null ? 0 : layout.raidDisks() + 1; // flushes, then the log write
    }

    @Override
    public int write(Plan p, StripeBand band, Legs legs) {
        int m = layout.pRole(band.stripe());
        MemberLog log = logs[m];
        if (log == null || log.cursor == null || !logged(legs.member(m), band)) {
            return GO;
        }
        long ticket = PlanState.ticket(p);
        if (ticket == 0) {
            int added = add(log.next, band, m, legs);
            if (added < 0) {
                return WAIT; // the next log write is full: it must go first
            }
            if (added == 0) {
                return GO;
            }
            ticket = ticketOf(log.next);
            PlanState.ticket(p, ticket);
            log.nextBands++;
            log.nextRoles |= 1L << m;
            for (int dd = 0; dd < dataDisks; dd++) {
                if (band.written(dd)) {
                    log.nextRoles |= 1L << layout.dataRole(band.stripe(), dd);
                }
            }
        }
        if (log.inFlight != null && ticket == ticketOf(log.inFlight)) {
            return log.inFlightWritten ? GO : WAIT;
        }
        if (log.inFlight != null) {
            return WAIT; // an earlier log write still has stripes being written
        }
        if (log.flusher != null && log.flusher != p) {
            return WAIT; // another band of this log write flushes the members first
        }
        if (log.flusher == null && log.unflushedRoles != 0 && flush(p, log, legs)) {
            return LOGGING;
        }
        log.flusher = null; // flushed (asked again after its flushes): the log write goes out
        submit(p, log, m, legs);
        return LOGGING;
    }

    /**
     * Whether a band whose parity member is {@code parity} is logged: a member in sync, or one
     * being rebuilt whose recovery offset lies past the band's first row. md decides per 4 KiB
     * row (a stripe_head wholly below recovery_offset); a band is logged whole, so when the
     * offset falls inside it (md's offsets are 4 KiB multiples) the rows above it are logged too:
     * replaying them writes parity the data give, on a device the resumed rebuild rewrites there.
     */
    private static boolean logged(Member parity, StripeBand band) {
        if (!parity.writable()) {
            return false;
        }
        return parity.inSync() || band.memberOffset() + band.rowFrom() < parity.recoveryOffset();
    }

    /**
     * A device takes {@code role}: its log writes go to the area its own superblock names, at
     * the area's start (md's ppl_init_child_log), at most as large as that area holds. Rows the
     * next log write gathered for bands still waiting for it stay (their stripes are yet to be
     * written; a replacement holds the same data), unless they no longer fit: those bands then
     * go out unlogged. An area md would refuse leaves the role unlogged.
     */
    @Override
    public void memberChanged(int role, MdSuperblock superblock) {
        MemberLog log = logs[role];
        if (log == null) {
            return;
        }
        PplArea area;
        try {
            area = PplArea.of(superblock);
        } catch (IllegalArgumentException e) {
            LOG.warning("role " + role + ": " + e.getMessage() + "; its stripes are not logged");
            log.cursor = null;
            return;
        }
        log.cursor = new PplLogCursor(area);
        log.space = area.partialParitySpace();
        if (log.next.bytes() - PplHeader.BYTES > log.space) {
            log.next.reset(log.next.generation()); // same ticket: the bands waiting for it stay counted
        }
        log.next.limit(log.space);
        dropOrphans(log);
    }

    /**
     * Rows of the next log write no band waits for any more (each ended before the log write went
     * out: its stripe was written unlogged, its member failed, or not at all) are dropped: a
     * later log write, perhaps on the device that next takes the role, must not carry them, as
     * their partial parity would be replayed against data written since.
     */
    private static void dropOrphans(MemberLog log) {
        if (log.nextBands == 0 && !log.next.isEmpty()) {
            log.next.reset(log.next.generation());
        }
    }

    /** md's empty log on the device about to be rebuilt into {@code role}: its area cleared ({@link PplAreaClear}). */
    @Override
    public MemberSetup setup(int role, MdSuperblock superblock) {
        if (logs[role] == null) {
            return MemberSetup.NONE;
        }
        try {
            return new PplAreaClear(PplArea.of(superblock), emptyHeader.address(), zeros.address(), ZERO_BYTES);
        } catch (IllegalArgumentException e) {
            return MemberSetup.NONE; // the role stays unlogged (memberChanged said why)
        }
    }

    private static long ticketOf(PplLogUnit u) {
        long t = u.generation() & PlanState.TICKET_MASK;
        return t == 0 ? 1 : t;
    }

    private void submit(Plan p, MemberLog log, int m, Legs legs) {
        PplLogUnit u = log.next;
        int bytes = u.seal();
        // Legs are addressed from the data area of the device now in the role: a spare that took
        // it may start its data elsewhere than the device the array was assembled with.
        long at = log.cursor.place(bytes) - legs.member(m).dataOffset();
        log.inFlight = u;
        log.inFlightBands = log.nextBands;
        log.inFlightRoles = log.nextRoles;
        log.inFlightWritten = false;
        log.next = log.spare;
        log.spare = null;
        log.next.limit(log.space);
        log.next.reset(++generation);
        log.nextBands = 0;
        log.nextRoles = 0;
        int leg = legs.write(p, m, at, u.address(), bytes, Legs.FUA);
        legs.note(leg, TAG, 0, 0);
    }

    /** Flushes the members the retired log writes' stripes wrote, on {@code p}; false when none takes writes. */
    private boolean flush(Plan p, MemberLog log, Legs legs) {
        boolean any = false;
        for (int role = 0; role < layout.raidDisks(); role++) {
            if ((log.unflushedRoles & 1L << role) != 0 && legs.member(role).writable()) {
                legs.flush(p, role, 0);
                any = true;
            }
        }
        log.unflushedRoles = 0;
        log.flusher = any ? p : null;
        return any;
    }

    @Override
    public void legDone(Plan p, int leg, int result, Legs legs) {
        int m = legs.slot(leg);
        if (result < 0) {
            PlanRequests.absorbOrFail(p, legs, m, result); // the stripe's parity member cannot keep the log
        }
        if (legs.tag(leg) != TAG) {
            return; // a flush of a member before the log write: that member's own log write is not done
        }
        MemberLog log = logs[m];
        log.inFlightWritten = true;
        retireIfDone(log);
    }

    @Override
    public void bandEnded(Plan p) {
        long ticket = PlanState.ticket(p);
        if (ticket == 0) {
            return;
        }
        PlanState.ticket(p, 0);
        MemberLog log = logs[layout.pRole(layout.stripeOf(PlanState.at(p)))];
        if (log.flusher == p) {
            log.flusher = null; // its flushes are over: the next band asked writes the log write
        }
        if (log.inFlight != null && ticket == ticketOf(log.inFlight)) {
            log.inFlightBands--;
            retireIfDone(log);
        } else {
            log.nextBands--; // ended before its log write went out (a failed request, its member failed)
            dropOrphans(log);
        }
    }

    /** The log write in flight is done with once written and every stripe it describes is written. */
    private static void retireIfDone(MemberLog log) {
        if (log.inFlight != null && log.inFlightWritten && log.inFlightBands == 0) {
            log.spare = log.inFlight;
            log.inFlight = null;
            log.unflushedRoles |= log.inFlightRoles;
        }
    }

    /**
     * Adds the band's rows to {@code u}: one run of rows per set of modified chunks (cut where a
     * chunk's written range starts or ends), partial parity computed in place. Returns the runs
     * added, 0 when the band needs no log (nothing to compute it from), -1 when {@code u} has no room.
     */
    private int add(PplLogUnit u, StripeBand band, int m, Legs legs) {
        int n = cutPoints(band);
        int entries = 0;
        int pp = 0;
        for (int i = 0; i + 1 < n; i++) {
            int k = modified(band, cuts[i], cuts[i + 1]);
            if (k > 0) {
                entries++;
                pp += k == dataDisks ? 0 : cuts[i + 1] - cuts[i];
            }
        }
        if (!u.hasRoom(entries, pp)) {
            return u.isEmpty() ? 0 : -1; // more than one log write holds: md would not log it either
        }
        if (!computable(band, legs, m)) {
            return 0;
        }
        int added = 0;
        long stripe = band.stripe();
        for (int i = 0; i + 1 < n; i++) {
            int a = cuts[i];
            int b = cuts[i + 1];
            int k = modified(band, a, b);
            if (k == 0) {
                continue;
            }
            int first = firstModified(band, a, b);
            long ppAddress = 0;
            if (k < dataDisks) {
                ppAddress = u.partialParitySlot();
                partialParity(band, legs, m, a, b, ppAddress);
            }
            u.addRows(band.memberOffset() + a, layout.arrayOffsetOf(stripe, first) + a, k, m, ppAddress, b - a);
            added++;
        }
        return added;
    }

    /** Sorted distinct row boundaries of the band: its ends and every written chunk's ends. */
    private int cutPoints(StripeBand band) {
        int n = 0;
        cuts[n++] = band.rowFrom();
        cuts[n++] = band.rowTo();
        for (int dd = 0; dd < dataDisks; dd++) {
            if (band.written(dd)) {
                cuts[n++] = band.writtenFrom(dd);
                cuts[n++] = band.writtenTo(dd);
            }
        }
        for (int i = 1; i < n; i++) { // insertion sort: a handful of points
            int v = cuts[i];
            int j = i - 1;
            while (j >= 0 && cuts[j] > v) {
                cuts[j + 1] = cuts[j];
                j--;
            }
            cuts[j + 1] = v;
        }
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (d == 0 || cuts[i] != cuts[d - 1]) {
                cuts[d++] = cuts[i];
            }
        }
        return d;
    }

    private int modified(StripeBand band, int a, int b) {
        int k = 0;
        for (int dd = 0; dd < dataDisks; dd++) {
            if (covers(band, dd, a, b)) {
                k++;
            }
        }
        return k;
    }

    private int firstModified(StripeBand band, int a, int b) {
        for (int dd = 0; dd < dataDisks; dd++) {
            if (covers(band, dd, a, b)) {
                return dd;
            }
        }
        return -1;
    }

    private static boolean covers(StripeBand band, int dd, int a, int b) {
        return band.written(dd) && band.writtenFrom(dd) <= a && b <= band.writtenTo(dd);
    }

    /**
     * Whether the scratch holds what partial parity is computed from: reconstruct-write reads the
     * untouched rows, read-modify-write the old data and parity; a band rebuilt around a missing
     * member has every in-sync role's rows, enough when the missing role is not needed.
     */
    private boolean computable(StripeBand band, Legs legs, int m) {
        if (band.reconstructWrite() || band.readModifyWrite()) {
            return true;
        }
        if (!band.rebuilding()) {
            return false;
        }
        for (int role = 0; role < layout.raidDisks(); role++) {
            if (role != m && (band.readRoles() & 1L << role) == 0) {
                return false; // one of the data chunks was not read: its old rows are not in scratch yet
            }
        }
        return true;
    }

    /** Partial parity of rows [a, b) into {@code dst}: XOR of the unmodified chunks, or old parity XOR old modified data. */
    private void partialParity(StripeBand band, Legs legs, int m, int a, int b, long dst) {
        long stripe = band.stripe();
        int off = a - band.rowFrom();
        int len = b - a;
        int count = 0;
        if (band.readModifyWrite()) {
            sources[count++] = band.scratch(m) + off;
            for (int dd = 0; dd < dataDisks; dd++) {
                if (covers(band, dd, a, b)) {
                    sources[count++] = band.scratch(layout.dataRole(stripe, dd)) + off;
                }
            }
        } else {
            for (int dd = 0; dd < dataDisks; dd++) {
                if (!covers(band, dd, a, b)) {
                    sources[count++] = band.scratch(layout.dataRole(stripe, dd)) + off;
                }
            }
        }
        if (count == 1) {
            UnsafeAccess.copyMemory(sources[0], dst, len);
        } else {
            Xor.xor(dst, sources, count, len);
        }
    }
}
