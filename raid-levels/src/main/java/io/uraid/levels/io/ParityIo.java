package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Plan;
import io.uraid.core.plan.Request;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.Errno;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;

/**
 * The I/O of md's raid4, raid5 and raid6 on the request plans: reads ({@link StripeRead}: in-sync
 * members directly, missing ones rebuilt in plans), writes ({@link StripeWrite}: a plan per
 * stripe under the stripe lock, read-modify-write or reconstruct-write as md chooses, full
 * stripes with no reads), and the sync passes ({@link ParityResync}, {@link ParityScrub},
 * {@link ParityRecover}). Discards are refused (md's raid456 takes them only from members that
 * promise to read zeros after them).
 *
 * <p>Scratch: a buffer per member for each plan, one band long (a chunk, at most
 * {@link #MAX_BAND}); a stripe's rows are written band by band.
 */
public final class ParityIo implements LevelIo {
    /**
     * Rows of a stripe one plan phase works on at most (the scratch buffer size). 256 KiB: a
     * stripe of 256 KiB chunks is one band, so a full-stripe write is one leg per member and
     * one round trip (at 128 KiB it took two of each, one after the other: measured 30-40 %
     * more CPU per GB written, RAID5 over 4 shm loops).
     */
    static final int MAX_BAND = 256 << 10;
    /** Scratch the array keeps for its plans, at most (more when one plan alone needs more): 32 plans of 4 roles. */
    static final int SCRATCH_BUDGET = 32 << 20;

    private final ParityLayout layout;
    private final int band;
    private final StripeWrite writes;
    private final StripeRead reads;
    private StripeLog log = StripeLog.NONE;

    public ParityIo(ParityLayout layout) {
        this.layout = layout;
        this.band = Math.min(layout.chunkBytes(), MAX_BAND);
        StripeParity math = new StripeParity(layout);
        this.writes = new StripeWrite(layout, math);
        this.reads = new StripeRead(layout, math, writes.cache());
    }

    /** The placement of data and parity this I/O follows. */
    public ParityLayout layout() {
        return layout;
    }

    /**
     * Puts {@code log} in front of every band's data and parity writes (md's partial parity
     * log); before the array starts. {@link StripeLog#NONE} takes it out.
     */
    public void log(StripeLog log) {
        this.log = log;
        writes.log(log);
    }

    @Override
    public void memberChanged(int role, io.uraid.core.sb.MdSuperblock superblock) {
        log.memberChanged(role, superblock);
    }

    @Override
    public io.uraid.core.plan.MemberSetup setup(int role, io.uraid.core.sb.MdSuperblock superblock) {
        return log.setup(role, superblock);
    }

    @Override
    public void configure(io.uraid.core.array.ArrayOptions options) {
        writes.cache().capacity(options.stripeCacheSize());
    }

    @Override
    public int stripeCacheSize() {
        return writes.cache().capacity();
    }

    @Override
    public void endOfBatch(Legs legs) {
        writes.cache().releaseAll(legs);
    }

    @Override
    public int scratchBytes() {
        return band;
    }

    @Override
    public int scratchBuffers() {
        int n = layout.raidDisks();
        return Math.max(2 * n, Math.min(32 * n, SCRATCH_BUDGET / band / n * n));
    }

    @Override
    public int syncBuffers() {
        return layout.raidDisks() + 2; // a window reads every member, and recomputes P and Q
    }

    @Override
    public SyncWindows sync(SyncAction action, WindowLegs io) {
        switch (action) {
            case RESYNC:
                return new ParityScrub(layout, io, ParityScrub.Kind.RESYNC);
            case CHECK:
                return new ParityScrub(layout, io, ParityScrub.Kind.CHECK);
            case REPAIR:
                return new ParityScrub(layout, io, ParityScrub.Kind.REPAIR);
            case RECOVER:
                return new ParityRecover(layout, io);
            default:
                return null;
        }
    }

    private int band(Legs legs) {
        return Math.min(band, legs.maxLegBytes());
    }

    @Override
    public boolean issue(Request r, Legs legs) {
        switch (r.op()) {
            case Request.READ:
                return reads.issue(r, legs, band(legs));
            case Request.WRITE:
                return writes.issue(r, legs, band(legs));
            default:
                r.fail(-Errno.EOPNOTSUPP);
                r.advance(r.length() - r.cursor());
                return true;
        }
    }

    @Override
    public boolean legDone(Request r, int leg, int result, Legs legs) {
        Plan p = legs.plan(leg);
        if (p == null) {
            if (result < 0) {
                reads.directReadFailed(r, leg, result, legs);
            }
        } else if (PlanState.has(p, PlanState.WRITE)) {
            writes.legDone(p, leg, result, legs);
        } else {
            reads.legDone(p, leg, result, legs);
        }
        return true;
    }

    @Override
    public int phaseDone(Plan p, Legs legs) {
        return PlanState.has(p, PlanState.WRITE) ? writes.phaseDone(p, legs, band(legs)) : reads.phaseDone(p, legs, band(legs));
    }
}
