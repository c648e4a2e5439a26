package io.uraid.daemon.nbd;

/**
 * One request in flight on a connection. Slots are preallocated per connection and reused, so a
 * request allocates nothing. Fields are guarded by the connection's lock once the request has
 * been submitted (completion callbacks run on the target's thread).
 */
final class Slot {
    final int index;
    long cookie;
    int type;
    int flags;
    long offset;
    long length;
    /** Payload buffer (READ, WRITE), or null. */
    BufferPool.Pooled buffer;
    /** 0, or the first -errno any part of the request reported. */
    int result;
    /** Target calls not yet completed for this request. */
    int pending;
    /** FUA on a command the target cannot honour per call (TRIM, discard-based WRITE_ZEROES). */
    boolean flushAfter;
    /** WRITE_ZEROES tried as a discard: -EOPNOTSUPP means write zero buffers instead. */
    boolean discardForZeroes;
    /** Set by the callback: the discard was refused; the writer thread issues zero writes. */
    boolean needsZeroWrites;
    /** A READ that missed the export's cache: its data fills the cache before the reply. */
    boolean fillsCache;
    /** The cache ticket taken before a missed READ was submitted. */
    long cacheTicket;

    Slot(int index) {
        this.index = index;
    }

    void clear() {
        buffer = null;
        result = 0;
        pending = 0;
        flushAfter = false;
        discardForZeroes = false;
        needsZeroWrites = false;
        fillsCache = false;
    }
}
