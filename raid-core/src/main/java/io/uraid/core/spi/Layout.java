package io.uraid.core.spi;

/**
 * Pure address arithmetic of one array: where each byte of the array lives on the members.
 * No I/O, no allocation: every method returns primitives, so the request path can call it
 * for every request.
 *
 * <p>Offsets on members are relative to the start of each member's data area (the md
 * superblock's data_offset is added by the caller).
 *
 * <p>The core splits every request at {@link #bytesToBoundary}: a piece that does not cross a
 * boundary is contiguous on each member, so {@link #member} and {@link #memberOffset} of its
 * first byte describe where the whole piece goes.
 */
public interface Layout {

    /** Usable size of the array in bytes. */
    long arraySize();

    /** Number of raid devices (roles), including any that are currently missing. */
    int raidDisks();

    /** How many copies of each byte the array keeps (1 for linear and raid0). */
    int copies();

    /**
     * Bytes from {@code arrayOffset} to the next point where the mapping jumps (end of a chunk,
     * end of a member...). Always &gt; 0 for {@code 0 <= arrayOffset < arraySize()}.
     */
    long bytesToBoundary(long arrayOffset);

    /** Role (raid device index) holding copy {@code copy} of the byte at {@code arrayOffset}. */
    int member(long arrayOffset, int copy);

    /** Offset within that member's data area of copy {@code copy} of the byte at {@code arrayOffset}. */
    long memberOffset(long arrayOffset, int copy);

    /**
     * Array bytes per byte of md's resync space, which its write-intent bitmap counts in: 1 where
     * md counts array sectors (raid1, raid10), the data disks of a stripe where it counts member
     * sectors (raid4/5/6: one bitmap chunk of stripe rows holds that many array bytes).
     */
    default int syncScale() {
        return 1;
    }

    /**
     * Bytes of each member's data area the array uses (md's component_size, in bytes). md counts
     * a recovery in it whatever the level (its progress, speed and recovery_offset are member
     * sectors), and a resync or check of raid4/5/6, whose {@link #syncScale} is the data disks.
     */
    default long memberSpan() {
        return (arraySize() * copies() + raidDisks() - 1) / raidDisks();
    }

    /**
     * md's resync_offset (in bytes of its resync space, see {@link #syncScale}) for an array
     * whose first {@code arrayPrefix} bytes are in sync: every byte of the space below it is.
     */
    default long syncOffsetBelow(long arrayPrefix) {
        return arrayPrefix;
    }

    /** The array bytes in sync below md's resync_offset {@code syncOffset} (bytes of its resync space). */
    default long arrayBelow(long syncOffset) {
        return syncOffset;
    }
}
