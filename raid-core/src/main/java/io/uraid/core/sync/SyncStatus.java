package io.uraid.core.sync;

/**
 * A snapshot of the array's sync work for status and detail. Bytes and speed are in md's units
 * for the pass (what /proc/mdstat and sysfs count): member bytes for a recovery and for the
 * passes of raid4/5/6, array bytes for a resync, check or repair of raid1/10.
 *
 * @param action         what is running ({@link SyncAction#IDLE} when nothing)
 * @param doneBytes      bytes done by the running pass (when idle: by the last pass)
 * @param totalBytes     bytes the running (or last) pass covers; a bitmap resync covers only
 *                       the dirty chunks
 * @param bytesPerSecond average speed of the running (or last) pass
 * @param etaSeconds     estimated seconds left, -1 when unknown, 0 when idle
 * @param mismatches     512-byte sectors found to differ between copies by the last check/repair
 *                       (md's mismatch_cnt; counted per differing 4 KiB block)
 * @param lastAction     the last pass that finished, and whether it completed
 * @param lastCompleted  false when the last pass was stopped or failed before its end
 */
public record SyncStatus(SyncAction action, long doneBytes, long totalBytes, long bytesPerSecond, long etaSeconds,
                         long mismatches, SyncAction lastAction, boolean lastCompleted) {

    public boolean running() {
        return action != SyncAction.IDLE;
    }

    /** Percent done of the running pass (100 when idle). */
    public double percent() {
        return !running() || totalBytes == 0 ? 100.0 : 100.0 * doneBytes / totalBytes;
    }
}
