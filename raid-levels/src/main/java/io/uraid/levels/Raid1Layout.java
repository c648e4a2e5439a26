package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md {@code raid1}: every role holds a full copy at the same offset. The array is as large as
 * the smallest member, standing in for md's single per-device size ({@code raid1_size} returns
 * {@code mddev->dev_sectors}, the superblock's {@code size}). The chunk and layout are ignored,
 * as md ignores them.
 */
public final class Raid1Layout implements Layout {

    private final int disks;
    private final long arraySize;

    /**
     * @throws IllegalArgumentException when the geometry is not a valid raid1
     */
    public Raid1Layout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, Raid1Level.MD_LEVEL, Raid1Level.NAME);
        LevelChecks.requireDisks(geometry, Raid1Level.MIN_DISKS, Raid1Level.NAME);
        disks = geometry.raidDisks();
        arraySize = LevelChecks.smallestMember(geometry);
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
        return disks;
    }

    /** A mirror never jumps: the rest of the array is contiguous on every member. */
    @Override
    public long bytesToBoundary(long arrayOffset) {
        return arraySize - arrayOffset;
    }

    @Override
    public int member(long arrayOffset, int copy) {
        return copy;
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        return arrayOffset;
    }
}
