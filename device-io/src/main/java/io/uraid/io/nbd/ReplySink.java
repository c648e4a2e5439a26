package io.uraid.io.nbd;

/**
 * What a {@link ReplyReader} needs to know about the requests in flight on its connection, and
 * where it delivers their answers. Called on the reader's thread only.
 */
public interface ReplySink {
    /**
     * The in-flight request that {@code cookie} names, as an index below the reader's capacity
     * (unique among the requests in flight on the connection), or -1 when none is: the server
     * broke the protocol.
     */
    int request(long cookie);

    /** The device offset the request starts at. */
    long offset(int request);

    /** The request's length in bytes. */
    int length(int request);

    /** Where a READ's data go (native memory), or 0 when the request is not a READ. */
    long readAddress(int request);

    /** The request is answered: 0, or -errno. Its index may be reused from now on. */
    void done(int request, int result);
}
