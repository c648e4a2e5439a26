package io.uraid.core.plan;

/**
 * A client request as its level sees it while mapping it into legs. The core pools requests;
 * a level keeps no reference to one after its call returns. Dispatcher thread only.
 *
 * <p>{@link #cursor()} is the resumable mapping point: a level maps the request piece by piece
 * from the cursor and {@link #advance advances} it past each piece whose legs all went out, so
 * when the engine is full it stops and is called again later from where it stopped.
 */
public interface Request {
    byte READ = 0;
    byte WRITE = 1;
    byte FLUSH = 2;
    byte DISCARD = 3;

    /** {@link #READ}, {@link #WRITE}, {@link #FLUSH} or {@link #DISCARD}. */
    byte op();

    /** The client's flags ({@code BlockTarget.FUA}). */
    int flags();

    /** First array byte. */
    long offset();

    /** Bytes. */
    long length();

    /** Native address of the client's buffer (reads and writes). */
    long address();

    /** Bytes already mapped into legs. */
    long cursor();

    /** The next {@code bytes} are mapped. */
    void advance(long bytes);

    /** The request fails with {@code -errno} unless an earlier error already decided its result. */
    void fail(int errno);

    /**
     * A member failed under this request and redundancy absorbed it: the request is acknowledged
     * only once the superblocks record the failed member.
     */
    void recordFailureFirst();
}
