package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.plan.CopyLayouts;
import io.uraid.core.spi.Layout;

/**
 * md's recovery_offset for a member being rebuilt: how far into its data area the copies are
 * durable, so a rebuild cut short (stop, crash) resumes there instead of from zero.
 *
 * <p>Ordering: the engine hands in the array prefix whose windows have all completed; a
 * checkpoint first fsyncs the member being rebuilt and only then records the member offset
 * that prefix covers ({@link ArrayIo#checkpoint}, written by the next superblock update). So
 * the superblock never claims more than is on the medium.
 *
 * <p>Array prefix to member offset: every member byte below the returned offset must belong to
 * an array byte below the prefix; the pass's strategy knows how its level places bytes
 * ({@link CopyLayouts} for whole copies). A replacement keeps its checkpoint the same way.
 *
 * <p>Dispatcher thread only.
 */
final class RecoveryCheckpoint {
    /** Time between checkpoints while a rebuild runs (md writes its superblocks about as often). */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Layout layout;
    /** The pass's strategy, which knows what of the target a prefix covers (null: whole-copy arithmetic). */
    private io.uraid.core.plan.SyncWindows windows;
    private RecoverTarget target;
    /** Data-area bytes of the target rebuilt before this pass started (skipped). */
    private long resumeFrom;
    /** The offset last recorded in the superblock. */
    private long recorded;
    /** Offset of the checkpoint whose fsync is in flight, or -1. */
    private long pending = -1;
    private long lastNanos;

    RecoveryCheckpoint(Layout layout) {
        this.layout = layout;
    }

    /** A rebuild of {@code t} starts; its member holds good copies below {@code from} bytes. */
    void start(RecoverTarget t, long from, long now) {
        startTarget(t, from, now);
    }

    /** The pass's strategy (set after {@link #start}). */
    void strategy(io.uraid.core.plan.SyncWindows strategy) {
        windows = strategy;
    }

    private void startTarget(RecoverTarget t, long from, long now) {
        target = t;
        resumeFrom = from;
        recorded = from;
        pending = -1;
        lastNanos = now;
    }

    void end() {
        target = null;
        windows = null;
        pending = -1;
        resumeFrom = 0;
    }

    /** True when the target's copy of window [start, end) (one layout piece) was rebuilt before. */
    boolean alreadyRebuilt(RecoverTarget t, long start, long end) {
        return windows == null ? CopyLayouts.rebuiltBefore(layout, t.role, start, end, resumeFrom)
                : windows.rebuiltBefore(layout, t.role, start, end, resumeFrom);
    }

    boolean inFlight() {
        return pending >= 0;
    }

    /** A periodic checkpoint is due: time has passed and the prefix covers more than recorded. */
    boolean due(long now, long prefix) {
        return target != null && pending < 0 && now - lastNanos >= INTERVAL_NANOS && memberOffset(prefix) > recorded;
    }

    /** The prefix covers more than recorded (a last checkpoint at stop is worth taking). */
    boolean behind(long prefix) {
        return target != null && pending < 0 && memberOffset(prefix) > recorded;
    }

    /**
     * Issues the fsync of a checkpoint at {@code prefix}; false when there is no room now. The
     * windows below the prefix must all have completed.
     */
    boolean issue(ArrayIo io, BackgroundTask owner, int token, long prefix) {
        if (io.room() < 1) {
            return false;
        }
        if (!io.fsync(owner, token, target.slot)) {
            return false;
        }
        pending = memberOffset(prefix);
        lastNanos = io.now();
        return true;
    }

    /** The checkpoint's fsync completed: record the offset, or fail the member it could not flush. */
    void done(ArrayIo io, int result) {
        long offset = pending;
        pending = -1;
        if (target == null) {
            return;
        }
        if (result < 0) {
            io.failMember(target.slot, result);
            target = null; // nothing more to record for a failed member
        } else {
            io.checkpoint(target.slot, offset);
            recorded = offset;
        }
    }

    /**
     * The target's data-area bytes all of whose content comes from array bytes below
     * {@code prefix}, as the pass's strategy computes it (never below what is recorded).
     */
    long memberOffset(long prefix) {
        return windows == null ? CopyLayouts.rebuiltBelow(layout, target.role, prefix, recorded)
                : windows.rebuiltBelow(layout, target.role, prefix, recorded);
    }
}
