package io.uraid.levels.io;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.array.Member;
import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;
import io.uraid.io.Errno;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;

/**
 * The write plan of a parity stripe: one plan per stripe a write touches, holding the stripe's
 * lock (exclusive) from its first read to its last write, so overlapping writers and
 * reconstructing readers of the stripe wait. The plan works through the rows the request
 * writes in bands of at most one scratch buffer, each band in phases:
 * <ol>
 * <li>READ: what the new parity is computed from, chosen as md does by the number of blocks to
 *     read: read-modify-write (old data of the written rows and old parity) or reconstruct-write
 *     (the rows of the data chunks the request leaves alone; none for a full stripe). With
 *     members missing (or being rebuilt, which serve no reads), whichever of the two needs only
 *     in-sync members, else every in-sync member is read and the missing ones rebuilt first.
 * <li>LOG (only with a {@link StripeLog}): its legs, e.g. the partial parity entry; the log is
 *     asked again after them, until it lets the band go.
 * <li>WRITE: the new parity is computed on the dispatcher thread ({@link BandParity}; the mode
 *     chosen by {@link BandMode}), then the new data (from the
 *     client's buffer) and parity (from scratch) go to every writable member and replacement.
 * </ol>
 * A read that fails fails its member where redundancy allows and the band is read again the way
 * the members left allow; a write that fails fails its member (the request is acknowledged once
 * the superblocks say so) or the request.
 */
final class StripeWrite {
    static final int READ = 0, LOG = 1, WRITE = 2, GATHER = 3;
    /** Leg tag of a data write: its copy field is the index of the request whose bytes it carries. */
    private static final int DATA_LEG = 1;

    private final ParityLayout layout;
    private final StripeBand band;
    private final int n;
    private final int dataDisks;
    private final int chunk;
    private final BandParity bandParity;
    private final StripeCache cache;
    private StripeLog log = StripeLog.NONE;

    StripeWrite(ParityLayout layout, StripeParity math) {
        this.layout = layout;
        this.band = new StripeBand(layout);
        this.n = layout.raidDisks();
        this.dataDisks = layout.dataDisks();
        this.chunk = layout.chunkBytes();
        this.bandParity = new BandParity(layout, math);
        this.cache = new StripeCache(layout);
    }

    /** The stripes whose partial writes wait for more within a dispatcher turn. */
    StripeCache cache() {
        return cache;
    }

    void log(StripeLog stripeLog) {
        this.log = stripeLog;
        cache.contiguousOnly(stripeLog != StripeLog.NONE);
    }

    /** Legs a band's read phase may need at most (two ranges per data chunk, or one per member). */
    int maxReads() {
        return Math.max(2 * dataDisks, n);
    }

    /**
     * Maps write {@code r} stripe by stripe into plans; false when it stopped for room or a busy
     * stripe. A piece covering less than its stripe joins the plan gathering that stripe's writes
     * in the cache, or opens one there (see {@link StripeCache}); a full stripe, a FUA write, or
     * any write with the cache off gets a plan of its own that starts at once.
     */
    boolean issue(Request r, Legs legs, int bandBytes) {
        boolean gather = cache.enabled() && (r.flags() & BlockTarget.FUA) == 0;
        while (r.cursor() < r.length()) {
            long at = r.offset() + r.cursor();
            long stripe = layout.stripeOf(at);
            long end = Math.min(r.offset() + r.length(), layout.arrayOffsetOf(stripe + 1, 0));
            boolean partial = end - at < layout.stripeBytes();
            if (gather && cache.gather(r, stripe, at, end, legs)) {
                r.advance(end - at);
                continue; // joined the stripe's waiting plan
            }
            if (!(gather && partial) && legs.room() < maxReads()) {
                return false;
            }
            Plan p = legs.open(r, stripe, stripe, false, n);
            if (p == null) {
                return false;
            }
            p.word(PlanState.AT, at);
            p.word(PlanState.END, end);
            p.word(PlanState.STATE, PlanState.WRITE);
            if (gather && partial) {
                cache.add(p, legs); // waits for more writes to its stripe, at most until the turn ends
            } else {
                PlanState.nextRow(p, firstRow(at, end));
                if (startBand(p, legs, bandBytes) == LevelIo.DONE) {
                    PlanState.set(p, PlanState.FAILED); // nothing to do after all: the plan ends when issue returns
                }
            }
            r.advance(end - at);
        }
        return true;
    }

    /** The first row the request writes in its stripe: its offset in the chunk when it starts in one chunk and stays there, else 0. */
    private int firstRow(long at, long end) {
        boolean oneChunk = layout.dataIndexOf(at) == layout.dataIndexOf(end - 1);
        return oneChunk ? chunk - layout.bytesToChunkEnd(at) : 0;
    }

    int phaseDone(Plan p, Legs legs, int bandBytes) {
        if (PlanState.has(p, PlanState.FAILED)) {
            log.bandEnded(p);
            return LevelIo.DONE;
        }
        switch (p.phase()) {
            case GATHER:
                if (PlanState.has(p, PlanState.GATHERING)) {
                    return LevelIo.HOLD; // the cache lets it go (full, evicted, or the turn's end)
                }
                if (legs.room() < maxReads()) {
                    return LevelIo.WAIT;
                }
                PlanState.nextRow(p, firstRow(PlanState.at(p), PlanState.end(p)));
                return startBand(p, legs, bandBytes);
            case READ:
                if (PlanState.has(p, PlanState.READ_FAILED)) {
                    PlanState.clear(p, PlanState.READ_FAILED);
                    return readBand(p, legs); // the same band again, the way the members left allow
                }
                // falls through: the band's reads are done, the log comes next
            case LOG: // the log is asked again after its legs: it may have more to do first
                fill(p);
                int logLegs = log.legs(band);
                if (logLegs > 0) {
                    if (legs.room() < logLegs) {
                        return LevelIo.WAIT;
                    }
                    int logged = log.write(p, band, legs);
                    if (logged == StripeLog.LOGGING) {
                        p.phase(LOG);
                        return LevelIo.NEXT;
                    }
                    if (logged == StripeLog.WAIT) {
                        return LevelIo.WAIT_EVENT; // the log waits for another plan's legs
                    }
                }
                return writeBand(p, legs);
            default:
                log.bandEnded(p);
                PlanState.nextRow(p, PlanState.bandTo(p));
                return startBand(p, legs, bandBytes);
        }
    }

    void legDone(Plan p, int leg, int result, Legs legs) {
        if (p.phase() == LOG) {
            log.legDone(p, leg, result, legs);
            return;
        }
        if (result >= 0) {
            return;
        }
        if (p.phase() == WRITE) {
            if (legs.tag(leg) == DATA_LEG) {
                legs.absorbOrFail(p.request(legs.copy(leg)), legs.slot(leg), result); // one request's bytes
            } else {
                PlanRequests.absorbOrFail(p, legs, legs.slot(leg), result); // parity: every request's
            }
        } else if (legs.failMember(legs.slot(leg), result)) {
            PlanRequests.recordFailureFirst(p);
            PlanState.set(p, PlanState.READ_FAILED);
        } else {
            PlanRequests.fail(p, result);
            PlanState.set(p, PlanState.FAILED);
        }
    }

    /** Finds the next band with rows to write and issues its reads; DONE when none is left. */
    private int startBand(Plan p, Legs legs, int bandBytes) {
        long at = PlanState.at(p);
        long end = PlanState.end(p);
        int rowsEnd = layout.dataIndexOf(at) == layout.dataIndexOf(end - 1) ? chunk - layout.bytesToChunkEnd(at)
                + (int) (end - at) : chunk;
        for (int from = PlanState.nextRow(p); from < rowsEnd; from = PlanState.nextRow(p)) {
            int to = Math.min(rowsEnd, from + bandBytes);
            PlanState.band(p, from, to);
            fill(p);
            if (band.rowTo > band.rowFrom) {
                return readBand(p, legs);
            }
            PlanState.nextRow(p, to); // no chunk is written in these rows (between a request's ends)
        }
        return LevelIo.DONE;
    }

    /**
     * The written rows of each data chunk within the plan's band, the band's hull of them
     * ({@code band.rowFrom, band.rowTo}), the scratch address of each role at the hull's first row.
     */
    private void fill(Plan p) {
        long stripe = layout.stripeOf(PlanState.at(p));
        long stripeStart = layout.arrayOffsetOf(stripe, 0);
        long stripeEnd = stripeStart + layout.stripeBytes();
        int b0 = PlanState.bandFrom(p);
        int b1 = PlanState.bandTo(p);
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        band.clear();
        for (int i = 0, count = p.requests(); i < count; i++) {
            Request r = p.request(i);
            long at = Math.max(r.offset(), stripeStart);
            long end = Math.min(r.offset() + r.length(), stripeEnd);
            for (int dd = 0; dd < dataDisks; dd++) {
                long base = layout.arrayOffsetOf(stripe, dd);
                long from = Math.max(Math.max(at, base) - base, b0);
                long to = Math.min(Math.min(end, base + chunk) - base, b1);
                if (to > from) {
                    band.add(dd, (int) from, (int) to, r.address() + (base + from - r.offset()), i);
                    lo = Math.min(lo, (int) from);
                    hi = Math.max(hi, (int) to);
                }
            }
        }
        band.stripe = stripe;
        band.rowFrom = hi > 0 ? lo : 0;
        band.rowTo = hi;
        band.mode = PlanState.mode(p);
        band.readRoles = p.word(PlanState.READ_ROLES);
        for (int role = 0; role < n; role++) {
            band.scratch(role, p.scratch(role));
        }
    }

    /** Chooses how the band's parity is computed and issues its reads (phase READ). */
    private int readBand(Plan p, Legs legs) {
        int mode = BandMode.choose(layout, band, legs);
        if (mode == PlanState.NONE) {
            PlanRequests.fail(p, -Errno.EIO); // more members missing than the parity covers: the array has failed
            PlanState.set(p, PlanState.FAILED); // ends at its next phaseDone, nothing issued
            return LevelIo.NEXT;
        }
        PlanState.mode(p, mode);
        band.mode = mode;
        int h0 = band.rowFrom;
        int h1 = band.rowTo;
        long off = layout.memberOffsetOfStripe(band.stripe);
        p.phase(READ);
        if (mode == PlanState.REBUILD) {
            long read = 0;
            for (int role = 0; role < n; role++) {
                if (legs.member(role).inSync()) {
                    legs.read(p, role, off + h0, band.scratch(role), h1 - h0, 0);
                    read |= 1L << role;
                }
            }
            p.word(PlanState.READ_ROLES, read); // fill() hands it to the band before its parity is computed
            return LevelIo.NEXT;
        }
        if (!parityWritable(legs)) {
            return LevelIo.NEXT; // no parity to keep: the data goes out with nothing read
        }
        for (int dd = 0; dd < dataDisks; dd++) {
            int role = layout.dataRole(band.stripe, dd);
            long buf = band.scratch(role);
            int from = band.writtenFrom(dd);
            int to = band.writtenTo(dd);
            if (mode == PlanState.RMW) {
                if (band.written(dd)) {
                    legs.read(p, role, off + from, buf + (from - h0), to - from, 0);
                }
            } else if (!band.written(dd) || band.gaps(dd)) {
                legs.read(p, role, off + h0, buf, h1 - h0, 0); // gathered pieces with rows between them: all of it
            } else {
                if (from > h0) {
                    legs.read(p, role, off + h0, buf, from - h0, 0);
                }
                if (to < h1) {
                    legs.read(p, role, off + to, buf + (to - h0), h1 - to, 0);
                }
            }
        }
        if (mode == PlanState.RMW) {
            for (int k = 0; k < 2; k++) {
                int role = parityRole(k);
                if (role >= 0 && legs.member(role).writable()) {
                    legs.read(p, role, off + h0, band.scratch(role), h1 - h0, 0);
                }
            }
        }
        return LevelIo.NEXT;
    }

    private int parityRole(int k) {
        return BandMode.parityRole(layout, band.stripe, k);
    }

    private boolean parityWritable(Legs legs) {
        return BandMode.parityWritable(layout, band.stripe, legs);
    }

    /** Computes the band's new parity and issues its data and parity writes (phase WRITE). */
    private int writeBand(Plan p, Legs legs) {
        Request r = p.request();
        if (legs.room() < 2 * band.pieces() + 4) {
            return LevelIo.WAIT; // checked before computing: the computation must run once
        }
        boolean parity = parityWritable(legs);
        if (parity) {
            bandParity.compute(band, legs);
        }
        int flags = (r.flags() & BlockTarget.FUA) != 0 ? Legs.FUA : 0;
        long off = layout.memberOffsetOfStripe(band.stripe);
        p.phase(WRITE);
        for (int i = 0; i < band.pieces(); i++) {
            int from = band.pieceFrom(i);
            write(p, legs, layout.dataRole(band.stripe, band.pieceData(i)), off + from, band.pieceAddress(i),
                    band.pieceTo(i) - from, flags, band.pieceRequest(i));
        }
        if (parity) {
            for (int k = 0; k < 2; k++) {
                int role = parityRole(k);
                if (role >= 0) {
                    write(p, legs, role, off + band.rowFrom, band.scratch(role), band.rowTo - band.rowFrom, flags, -1);
                }
            }
        }
        return LevelIo.NEXT;
    }

    /**
     * A write to {@code role} when it takes writes, and to the device replacing it; a data write
     * carries the index of its request ({@code request}), -1 for parity.
     */
    private void write(Plan p, Legs legs, int role, long memberOffset, long address, int length, int flags,
                       int request) {
        if (legs.member(role).writable()) {
            note(legs, legs.write(p, role, memberOffset, address, length, flags), request);
        }
        Member rep = legs.replacement(role);
        if (rep != null && rep.writable()) {
            note(legs, legs.write(p, role + n, memberOffset, address, length, flags), request);
        }
    }

    private static void note(Legs legs, int leg, int request) {
        legs.note(leg, request < 0 ? 0 : DATA_LEG, Math.max(request, 0), 0);
    }
}
