package io.uraid.core.array;

/**
 * Tuning of one array's request path.
 *
 * @param ringSize      slots in the Disruptor request ring (power of two); also the most
 *                      requests the dispatcher keeps in flight
 * @param maxLegBytes   largest single leg; longer pieces are split (keeps one request from
 *                      monopolising a member); lowered further to what the members take
 *                      without the kernel splitting it
 * @param idle          what the dispatcher does when it has nothing to do
 * @param spinNanos     with {@link Idle#SPIN_THEN_BLOCK}: how long to spin before blocking
 * @param ordering      how legs that must run one after another go out
 * @param emulateFua    FUA writes go out as a plain write followed by an fdatasync of the member
 *                      (for members whose writes cannot carry RWF_DSYNC), chained as
 *                      {@code ordering} says
 * @param stripeCacheSize parity levels: stripes whose partial writes may wait, within one
 *                      dispatcher turn, for more writes to the same stripe so that they go out
 *                      together (a full stripe with no reads); md's stripe_cache_size, default
 *                      {@value #DEFAULT_STRIPE_CACHE}; 0 writes each request alone
 */
public record ArrayOptions(int ringSize, int maxLegBytes, Idle idle, long spinNanos, Ordering ordering,
                           boolean emulateFua, int stripeCacheSize) {
    /** md's default stripe_cache_size. */
    public static final int DEFAULT_STRIPE_CACHE = 256;
    /** The largest stripe cache an array takes (md allows 32768). */
    public static final int MAX_STRIPE_CACHE = 32768;

    /**
     * How ordered legs (a rebuild window's read then write, a write then its flush) go out.
     * LINKED is the default; PHASED exists to measure what linking saves.
     */
    public enum Ordering {
        /** As one linked chain, in one submission: the kernel runs each after the previous one. */
        LINKED,
        /** The next one is issued by the dispatcher once the previous one has completed. */
        PHASED
    }

    public ArrayOptions(int ringSize, int maxLegBytes, Idle idle, long spinNanos) {
        this(ringSize, maxLegBytes, idle, spinNanos, Ordering.LINKED, false, DEFAULT_STRIPE_CACHE);
    }

    /** Dispatcher idle behaviour (the ring's wait strategy). */
    public enum Idle {
        /** Block at once (lowest CPU use, a wake-up costs a system call). */
        BLOCK,
        /**
         * Spin briefly for the next request or completion, then block (default); the spin is
         * skipped while recent waits mostly outlasted it (see {@code SpinPolicy}).
         */
        SPIN_THEN_BLOCK,
        /** Never block: lowest latency, burns a core. */
        BUSY_SPIN
    }

    public static final ArrayOptions DEFAULT = new ArrayOptions(1024, 1 << 20, Idle.SPIN_THEN_BLOCK, 50_000);

    public ArrayOptions {
        if (Integer.bitCount(ringSize) != 1 || ringSize < 2) {
            throw new IllegalArgumentException("ring size must be a power of two >= 2: " + ringSize);
        }
        if (maxLegBytes < 4096) {
            throw new IllegalArgumentException("max leg size must be at least 4096: " + maxLegBytes);
        }
        java.util.Objects.requireNonNull(ordering, "ordering");
        if (stripeCacheSize < 0 || stripeCacheSize > MAX_STRIPE_CACHE) {
            throw new IllegalArgumentException("stripe cache size must be 0.." + MAX_STRIPE_CACHE + ": " + stripeCacheSize);
        }
    }

    public ArrayOptions withIdle(Idle i) {
        return new ArrayOptions(ringSize, maxLegBytes, i, spinNanos, ordering, emulateFua, stripeCacheSize);
    }

    public ArrayOptions withRingSize(int n) {
        return new ArrayOptions(n, maxLegBytes, idle, spinNanos, ordering, emulateFua, stripeCacheSize);
    }

    public ArrayOptions withOrdering(Ordering o) {
        return new ArrayOptions(ringSize, maxLegBytes, idle, spinNanos, o, emulateFua, stripeCacheSize);
    }

    public ArrayOptions withEmulatedFua(boolean emulate) {
        return new ArrayOptions(ringSize, maxLegBytes, idle, spinNanos, ordering, emulate, stripeCacheSize);
    }

    public ArrayOptions withStripeCacheSize(int entries) {
        return new ArrayOptions(ringSize, maxLegBytes, idle, spinNanos, ordering, emulateFua, entries);
    }
}
