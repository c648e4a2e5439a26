package io.uraid.core.api;

/** Completion of one {@link BlockTarget} request. */
@FunctionalInterface
public interface IoCallback {
    /**
     * @param tag    the caller's value given with the request
     * @param result 0 on success, or {@code -errno}
     */
    void done(long tag, int result);

    /**
     * Called on the completing thread after a run of {@link #done} calls to this callback: at
     * least once after every {@code done}, before that thread waits for more work. A callback that
     * gathers per-completion work (an NBD connection's replies) does it here, in one go. Must be
     * quick and must not block; the default does nothing.
     */
    default void batchDone() {
    }

    /** A completion that is a run of its own: {@link #done} then {@link #batchDone}. */
    default void doneAlone(long tag, int result) {
        done(tag, result);
        batchDone();
    }
}
