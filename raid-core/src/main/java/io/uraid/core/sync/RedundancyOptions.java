package io.uraid.core.sync;

/**
 * Tuning of the redundancy features of an assembled array.
 *
 * @param bitmapClearDelayMillis time between the bitmap's clear passes (md's daemon_sleep, 5 s);
 *                               a chunk's bit clears after two passes found it idle
 * @param syncMinBytesPerSecond  background sync speed while clients are busy (speed_limit_min)
 * @param syncMaxBytesPerSecond  background sync speed while the array is idle (speed_limit_max)
 */
public record RedundancyOptions(long bitmapClearDelayMillis, long syncMinBytesPerSecond, long syncMaxBytesPerSecond) {
    public static final RedundancyOptions DEFAULT = new RedundancyOptions(5000, 1000L * 1024, 200_000L * 1024);

    public RedundancyOptions {
        if (bitmapClearDelayMillis <= 0) {
            throw new IllegalArgumentException("bitmap clear delay must be positive");
        }
        new Throttle(syncMinBytesPerSecond, syncMaxBytesPerSecond); // validates the limits
    }

    public RedundancyOptions withBitmapClearDelayMillis(long ms) {
        return new RedundancyOptions(ms, syncMinBytesPerSecond, syncMaxBytesPerSecond);
    }

    public RedundancyOptions withSyncSpeed(long min, long max) {
        return new RedundancyOptions(bitmapClearDelayMillis, min, max);
    }
}
