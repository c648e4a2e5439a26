package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md {@code raid0} with a single strip zone: chunk {@code k} of the array is chunk
 * {@code k / disks} of member {@code k % disks} (raid0.c {@code map_sector}).
 *
 * <p>md rounds each member down to a whole number of chunks ({@code create_strip_zones}); when
 * all rounded sizes are equal md builds exactly one zone and ignores the layout word
 * (original/alternate only matter between zones). Unequal rounded sizes would need several
 * zones, which uraid does not implement yet, so they are refused.
 *
 * <p>The chunk need not be a power of two: md's raid0 accepts any multiple of the logical
 * block size. uraid asks for a multiple of 4 KiB, its I/O block.
 */
public final class Raid0Layout implements Layout {

    private final int disks;
    private final long chunk;
    private final long arraySize;

    /**
     * @throws IllegalArgumentException when the geometry is not a valid single-zone raid0
     */
    public Raid0Layout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, Raid0Level.MD_LEVEL, Raid0Level.NAME);
        LevelChecks.requireDisks(geometry, Raid0Level.MIN_DISKS, Raid0Level.NAME);
        chunk = geometry.chunkBytes();
        if (chunk <= 0 || chunk % LevelChecks.MIN_CHUNK != 0) {
            throw new IllegalArgumentException("raid0 chunk must be a positive multiple of " + LevelChecks.MIN_CHUNK
                    + " bytes: " + chunk);
        }
        disks = geometry.raidDisks();
        long rounded = roundDown(geometry.memberBytes(0));
        for (int role = 1; role < disks; role++) {
            if (roundDown(geometry.memberBytes(role)) != rounded) {
                throw new IllegalArgumentException("raid0 members must be equal after rounding to the chunk size");
            }
        }
        arraySize = Math.multiplyExact(rounded, disks);
    }

    private long roundDown(long bytes) {
        return bytes - bytes % chunk;
    }

    /** Bytes of each member the array uses (its size rounded down to whole chunks). */
    public long usedBytesPerMember() {
        return arraySize / disks;
    }

    @Override
    public long arraySize() {
        return arraySize;
    }

    @Override
    public int raidDisks() {
        return disks;
    }

    @Override
    public int copies() {
        return 1;
    }

    @Override
    public long bytesToBoundary(long arrayOffset) {
        return chunk - arrayOffset % chunk;
    }

    @Override
    public int member(long arrayOffset, int copy) {
        return (int) ((arrayOffset / chunk) % disks);
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        long chunkIndex = arrayOffset / chunk;
        return (chunkIndex / disks) * chunk + arrayOffset % chunk;
    }
}
