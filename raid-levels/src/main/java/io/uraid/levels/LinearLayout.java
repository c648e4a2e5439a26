package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md {@code linear}: the members concatenated in role order.
 *
 * <p>Like md-linear.c {@code linear_conf}, each member's size is rounded down to a multiple of
 * the chunk ("rounding") when one is set; mdadm creates linear arrays with chunk 0 since Linux
 * 2.6.16, so by default every byte of every member is used. A member that rounds to zero bytes
 * holds nothing and is skipped, as md's end-sector search skips it.
 */
public final class LinearLayout implements Layout {

    /** Exclusive array offset at which each role's data ends (md's {@code end_sector}). */
    private final long[] ends;

    /**
     * @throws IllegalArgumentException when the geometry is not a valid linear array
     */
    public LinearLayout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, LinearLevel.MD_LEVEL, LinearLevel.NAME);
        LevelChecks.requireDisks(geometry, LinearLevel.MIN_DISKS, LinearLevel.NAME);
        int rounding = geometry.chunkBytes();
        if (rounding < 0 || rounding % LevelChecks.SECTOR != 0) {
            throw new IllegalArgumentException("linear rounding (chunk) must be 0 or a multiple of "
                    + LevelChecks.SECTOR + " bytes: " + rounding);
        }
        ends = new long[geometry.raidDisks()];
        long end = 0;
        for (int role = 0; role < ends.length; role++) {
            long size = geometry.memberBytes(role);
            if (rounding > 0) {
                size -= size % rounding;
            }
            end = Math.addExact(end, size);
            ends[role] = end;
        }
    }

    /** Bytes of {@code role} that the array uses (its size after rounding). */
    public long usedBytes(int role) {
        return ends[role] - start(role);
    }

    @Override
    public long arraySize() {
        return ends[ends.length - 1];
    }

    @Override
    public int raidDisks() {
        return ends.length;
    }

    @Override
    public int copies() {
        return 1;
    }

    @Override
    public long bytesToBoundary(long arrayOffset) {
        return ends[find(arrayOffset)] - arrayOffset;
    }

    @Override
    public int member(long arrayOffset, int copy) {
        return find(arrayOffset);
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        return arrayOffset - start(find(arrayOffset));
    }

    private long start(int role) {
        return role == 0 ? 0 : ends[role - 1];
    }

    /** First role whose end lies beyond the offset: binary search, as md's which_dev does. */
    private int find(long arrayOffset) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (arrayOffset < ends[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
