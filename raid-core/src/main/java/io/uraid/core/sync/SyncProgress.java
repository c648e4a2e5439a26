package io.uraid.core.sync;

/**
 * What status readers see of a sync engine: a snapshot rebuilt on the dispatcher as windows
 * finish and published through one volatile field, with the speed and the estimate derived
 * from the pass's start and end times.
 */
final class SyncProgress {
    private long startedNanos;
    private long finishedNanos;
    private SyncAction lastAction = SyncAction.IDLE;
    private boolean lastCompleted = true;
    /** 512-byte sectors found differing by the current or last check/repair (md's mismatch_cnt). */
    private long mismatches;
    private volatile SyncStatus status;

    void started(long now, boolean resetMismatches) {
        startedNanos = now;
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

    /** Publishes the state of {@code action} (IDLE between passes) over {@code work} (null before any). */
    void publish(SyncAction action, SyncWork work) {
        long total = work == null ? 0 : work.total();
        long done = work == null ? 0 : work.done();
        long end = action == SyncAction.IDLE ? finishedNanos : System.nanoTime();
        long speed = work == null ? 0 : (long) (done * 1e9 / Math.max(1, end - startedNanos));
        long eta = action == SyncAction.IDLE ? 0 : speed > 0 ? (total - done) / speed : -1;
        status = new SyncStatus(action, done, total, speed, eta, mismatches, lastAction, lastCompleted);
    }

    SyncStatus status() {
        return status;
    }
}
