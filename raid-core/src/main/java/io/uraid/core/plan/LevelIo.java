package io.uraid.core.plan;

/**
 * A level's I/O for one array, next to its pure {@link io.uraid.core.spi.Layout}: it turns each
 * request into legs and hears how each leg ended. The core owns the ring, the pools, the
 * dispatcher, the engine and the one place where a request completes (after its last leg, with
 * the first error it met). Flushes are the core's (every member takes one).
 *
 * <p>All methods run on the array's dispatcher thread and must not allocate.
 */
public interface LevelIo {

    /**
     * Maps request {@code r} (a read, write or discard) from its cursor into legs, advancing the
     * cursor past each piece it issued. Returns true when the whole request is mapped, false when
     * it stopped for room (it is called again, from the cursor, once legs complete).
     */
    boolean issue(Request r, Legs legs);

    /**
     * Leg {@code leg} of {@code r} ended with {@code result}: bytes, or {@code -errno} (a short
     * transfer arrives as {@code -EIO}). Returns true when the leg is finished, false when the
     * level sent it again ({@link Legs#retry}).
     */
    boolean legDone(Request r, int leg, int result, Legs legs);
}
