package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md {@code raid10} address arithmetic, following raid10.c {@code __raid10_find_phys}.
 *
 * <p>Chunk {@code k} takes slots {@code k*near .. k*near+near-1} of a raid0-style grid over all
 * disks (slot {@code s} is disk {@code s % disks}, row {@code s / disks}); in offset layouts each
 * grid row is spread over {@code far} member rows. Far copy {@code f} of a slot sits
 * {@code f * stride} further down the member, on the disk {@code f * near} places on within its
 * far set ({@link Raid10Shape}).
 *
 * <p>Sizes follow md: {@code raid10_size} makes the array
 * {@code floor(floor(devChunks / far) * disks / near)} chunks, and {@code calc_sectors} uses
 * {@code ceil(arrayChunks * copies / disks)} chunks of each member and sets the far stride to
 * that divided by {@code far} (one chunk for offset layouts). {@code devChunks} is md's
 * {@code mddev->dev_sectors} (superblock {@code size}) in chunks; uraid takes the smallest
 * {@link Geometry#memberBytes(int)}.
 */
public final class Raid10Layout implements Layout {

    private final Raid10Shape shape;
    private final int disks;
    private final int near;
    private final int far;
    private final int chunkShift;
    private final long chunkMask;
    private final long strideChunks;
    private final long usedChunks;
    private final long arraySize;

    /**
     * @throws IllegalArgumentException when the geometry is not a raid10 md would run, or uses a
     *         layout uraid refuses (see {@link Raid10Shape})
     */
    public Raid10Layout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, Raid10Level.MD_LEVEL, Raid10Level.NAME);
        LevelChecks.requireDisks(geometry, Raid10Level.MIN_DISKS, Raid10Level.NAME);
        LevelChecks.requirePowerOfTwoChunk(geometry, Raid10Level.NAME);
        shape = Raid10Shape.of(geometry.layout(), geometry.raidDisks());
        disks = shape.disks();
        near = shape.near();
        far = shape.far();
        chunkShift = Integer.numberOfTrailingZeros(geometry.chunkBytes());
        chunkMask = geometry.chunkBytes() - 1L;

        long devChunks = LevelChecks.smallestMember(geometry) >>> chunkShift;
        long arrayChunks = Math.multiplyExact(devChunks / far, (long) disks) / near;
        usedChunks = ceilDiv(Math.multiplyExact(arrayChunks, (long) shape.copies()), disks);
        strideChunks = shape.offset() ? 1 : usedChunks / far;
        arraySize = arrayChunks << chunkShift;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The decoded layout word. */
    public Raid10Shape shape() {
        return shape;
    }

    /**
     * Bytes of each member the array uses: md's {@code dev_sectors} after {@code calc_sectors},
     * which md writes back as the superblock {@code size}.
     */
    public long usedBytesPerMember() {
        return usedChunks << chunkShift;
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
        return near * far;
    }

    /** Every copy of a chunk is contiguous on its member, and the next chunk may be elsewhere. */
    @Override
    public long bytesToBoundary(long arrayOffset) {
        return (chunkMask + 1) - (arrayOffset & chunkMask);
    }

    @Override
    public int member(long arrayOffset, int copy) {
        long slot = (arrayOffset >>> chunkShift) * near;
        return shape.device((int) (slot % disks), copy);
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        long slot = (arrayOffset >>> chunkShift) * near;
        int firstDevice = (int) (slot % disks);
        long row = slot / disks;
        if (shape.offset()) {
            row *= far;
        }
        if (shape.wrapped(firstDevice, copy)) {
            row++;
        }
        row += (copy % far) * strideChunks;
        return (row << chunkShift) | (arrayOffset & chunkMask);
    }
}
