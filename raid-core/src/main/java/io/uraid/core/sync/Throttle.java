package io.uraid.core.sync;

/**
 * md's speed_limit_min/max for background sync: up to the maximum while the array is idle,
 * down to the minimum while clients have requests in flight. A token bucket of bytes, refilled
 * at the current limit, holding at most one second's worth.
 */
public final class Throttle {
    private final long minBytesPerSecond;
    private final long maxBytesPerSecond;
    private long credit;
    private long lastNanos;

    /** Limits in bytes per second (md's defaults: 1000 KiB/s and 200000 KiB/s). */
    public Throttle(long minBytesPerSecond, long maxBytesPerSecond) {
        if (minBytesPerSecond <= 0 || maxBytesPerSecond < minBytesPerSecond) {
            throw new IllegalArgumentException("need 0 < min <= max speed, got " + minBytesPerSecond + ", "
                    + maxBytesPerSecond);
        }
        this.minBytesPerSecond = minBytesPerSecond;
        this.maxBytesPerSecond = maxBytesPerSecond;
    }

    /** md's defaults. */
    public static Throttle mdDefaults() {
        return new Throttle(1000L * 1024, 200_000L * 1024);
    }

    void reset(long now) {
        credit = SyncEngine.WINDOW;
        lastNanos = now;
    }

    /** True (and the bytes are spent) when {@code bytes} may be synced now. */
    boolean allow(long now, long bytes, boolean clientsBusy) {
        long limit = clientsBusy ? minBytesPerSecond : maxBytesPerSecond;
        long elapsed = now - lastNanos;
        lastNanos = now;
        credit = Math.min(Math.max(limit, SyncEngine.WINDOW), credit + (long) (elapsed / 1e9 * limit));
        if (credit < bytes) {
            return false;
        }
        credit -= bytes;
        return true;
    }

    public long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    public long maxBytesPerSecond() {
        return maxBytesPerSecond;
    }
}
