package io.uraid.core.array;

/**
 * Whether the dispatcher spins before it blocks. Spinning pays when the next request or
 * completion usually comes within the spin limit (small requests at high rates: it saves a
 * wake-up per batch); when it usually does not (large transfers, where the kernel's copies take
 * the time) a spin runs out and only takes a core from the threads doing the copies. So the
 * policy keeps a moving share of the idle periods that ended within the limit and spins while
 * that share is at least one half. Every {@link #PROBE_EVERY}th idle period spins anyway, so a
 * wake-up's own latency cannot keep the policy blocking after the load has changed.
 */
final class SpinPolicy {
    static final int PROBE_EVERY = 32;
    /** Fixed-point one for {@link #shortShare}. */
    private static final int ONE = 1 << 10;

    private final long limitNanos;
    /** Moving share (weight 1/8 per period) of idle periods shorter than the limit, ONE = all. */
    private int shortShare = ONE;
    private int sinceProbe;

    SpinPolicy(long limitNanos) {
        if (limitNanos < 0) {
            throw new IllegalArgumentException("spin limit must not be negative: " + limitNanos);
        }
        this.limitNanos = limitNanos;
    }

    /** How long to spin in the idle period starting now; 0 means block at once. */
    long spinNanos() {
        if (shortShare >= ONE / 2 || ++sinceProbe >= PROBE_EVERY) {
            sinceProbe = 0;
            return limitNanos;
        }
        return 0;
    }

    /** The idle period ended after {@code gapNanos}: work arrived (by spinning or after blocking). */
    void idleEnded(long gapNanos) {
        shortShare += ((gapNanos < limitNanos ? ONE : 0) - shortShare) >> 3;
    }

    /** The share of recent idle periods that ended within the limit, 0..1. */
    double shortShare() {
        return shortShare / (double) ONE;
    }
}
