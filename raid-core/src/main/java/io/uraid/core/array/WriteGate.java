package io.uraid.core.array;

/**
 * Holds back writes until something they depend on is in place: the write-intent bit of
 * their region is durable, or a sync window over their range has finished. Called on the
 * dispatcher thread only, without allocation.
 */
public interface WriteGate {

    /**
     * A write or discard of {@code [offset, offset + length)} (array bytes) wants to start.
     * Returns true when it may be issued now, and then counts it as in flight until
     * {@link #release}. Returns false to hold it back; the dispatcher asks again later (the
     * same range may be asked about many times before it is admitted).
     */
    boolean admit(long offset, long length);

    /** A write admitted earlier has completed (successfully or not). */
    void release(long offset, long length);
}
