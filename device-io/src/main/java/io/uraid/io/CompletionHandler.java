package io.uraid.io;

/** Receives one completed operation from {@link IoEngine#reap}. */
@FunctionalInterface
public interface CompletionHandler {
    /**
     * @param userData the value given when the operation was prepared
     * @param result   bytes transferred (0 for fsync/discard), or {@code -errno} on failure
     */
    void onComplete(long userData, int result);
}
