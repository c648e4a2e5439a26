package io.uraid.core.sync;

/**
 * What status readers see of a sync engine: a snapshot rebuilt on the dispatcher as windows
 * finish and published through one volatile field, with the speed and the estimate derived
 * from the pass's start and end times.
 *
 * <p>What it publishes is in md's units: bytes of the space md's sync of the same kind walks
 * (the engine works in array bytes). md counts a recovery in member sectors at every level, and
 * a resync, check or repair in its resync space: array sectors for raid1/10, member sectors for
 * raid4/5/6 (/proc/mdstat's "(a/b)" in KiB of the member, sysfs sync_completed in its sectors,
 * sync_speed in member KiB/s). Mirrors' member and array bytes coincide.
 */
final class SyncProgress {
    private long startedNanos;
    private long finishedNanos;
    private SyncAction lastAction = SyncAction.IDLE;
    private boolean lastCompleted = true;
    /** 512-byte sectors found differing by the current or last check/repair (md's mismatch_cnt). */
    private long mismatches;
    private volatile SyncStatus status;
    /** Bytes of md's space for the pass, and of the array it maps from. */
    private long span = 1;
    private long arraySize = 1;

    /** A pass starts over {@code arraySize} array bytes that md counts as {@code span} bytes. */
    void started(long now, boolean resetMismatches, long span, long arraySize) {
        startedNanos = now;
        this.span = span;
        this.arraySize = Math.max(1, arraySize);
        if (resetMismatches) {
            mismatches = 0;
        }
    }

    void ended(SyncAction action, boolean completed, long now) {
        finishedNanos = now;
        lastAction = action;
        lastCompleted = completed;
    }

    void mismatched(long sectors) {
        mismatches += sectors;
    }

    long mismatches() {
        return mismatches;
    }

    /** {@code arrayBytes} of the pass in md's units (exact where the array is a whole multiple of them). */
    long inSyncSpace(long arrayBytes) {
        if (span == arraySize) {
            return arrayBytes;
        }
        if (arraySize % span == 0) {
            return arrayBytes / (arraySize / span);
        }
        return arrayBytes == arraySize ? span : (long) ((double) arrayBytes * span / arraySize);
    }

    /** Publishes the state of {@code action} (IDLE between passes) over {@code work} (null before any). */
    void publish(SyncAction action, SyncWork work) {
        long total = work == null ? 0 : inSyncSpace(work.total());
        long done = work == null ? 0 : inSyncSpace(work.done());
        long end = action == SyncAction.IDLE ? finishedNanos : System.nanoTime();
        long speed = work == null ? 0 : (long) (done * 1e9 / Math.max(1, end - startedNanos));
        long eta = action == SyncAction.IDLE ? 0 : speed > 0 ? (total - done) / speed : -1;
        status = new SyncStatus(action, done, total, speed, eta, mismatches, lastAction, lastCompleted);
    }

    SyncStatus status() {
        return status;
    }
}
