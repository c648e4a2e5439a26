package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
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
 * an array byte below the prefix. That holds when, for each copy index, the offsets on any one
 * member never decrease as the array offset grows, which is true of md's raid1 and raid10
 * (near, far, offset) layouts; so the first piece past the prefix that each copy index puts on
 * the member bounds all later ones. A replacement keeps its checkpoint the same way.
 *
 * <p>Dispatcher thread only.
 */
final class RecoveryCheckpoint {
    /** Time between checkpoints while a rebuild runs (md writes its superblocks about as often). */
    static final long INTERVAL_NANOS = 1_000_000_000L;
    /** Layout pieces looked at past the prefix for the member offset (many placement periods). */
    private static final int SCAN_PIECES = 1024;

    private final Layout layout;
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
        target = t;
        resumeFrom = from;
        recorded = from;
        pending = -1;
        lastNanos = now;
    }

    void end() {
        target = null;
        pending = -1;
        resumeFrom = 0;
    }

    /** True when the target's copy of window [start, end) (one layout piece) was rebuilt before. */
    boolean alreadyRebuilt(RecoverTarget t, long start, long end) {
        if (resumeFrom <= 0) {
            return false;
        }
        int c = t.copyAt(layout, start);
        return c >= 0 && layout.memberOffset(start, c) + (end - start) <= resumeFrom;
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
     * The target's data-area bytes all of whose copies come from array bytes below
     * {@code prefix}: for each copy index, the member offset of the first piece at or past the
     * prefix that lies on the target; the least of those.
     */
    long memberOffset(long prefix) {
        long size = layout.arraySize();
        if (prefix >= size) {
            return recorded; // the pass is complete: the promotion, not a checkpoint, records it
        }
        long least = Long.MAX_VALUE;
        int copies = layout.copies();
        int found = 0;
        long seen = 0; // bit c: copy c already met on the target
        long at = prefix;
        for (int i = 0; i < SCAN_PIECES && at < size && found < copies; i++) {
            for (int c = 0; c < copies; c++) {
                if ((seen & (1L << c)) == 0 && layout.member(at, c) == target.role) {
                    seen |= 1L << c;
                    found++;
                    least = Math.min(least, layout.memberOffset(at, c));
                }
            }
            at += layout.bytesToBoundary(at);
        }
        // A copy index not met within the scan never lands on the target: md's layouts repeat
        // their placement every few chunk rows (raid10 n2 over four disks keeps only second
        // copies on odd roles), far fewer than SCAN_PIECES pieces.
        return least == Long.MAX_VALUE ? recorded : Math.max(recorded, least);
    }

}
