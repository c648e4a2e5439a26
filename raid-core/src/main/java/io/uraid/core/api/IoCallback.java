package io.uraid.core.api;

/** Completion of one {@link BlockTarget} request. */
@FunctionalInterface
public interface IoCallback {
    /**
     * @param tag    the caller's value given with the request
     * @param result 0 on success, or {@code -errno}
     */
    void done(long tag, int result);
}
