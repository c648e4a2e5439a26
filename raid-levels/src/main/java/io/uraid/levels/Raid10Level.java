package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md level 10, {@code raid10}: striped copies in near, far or offset arrangement
 * ({@link Raid10Shape}). Any disk count from the number of copies up works.
 */
public final class Raid10Level extends MdLevel {

    static final int MD_LEVEL = 10;
    static final String NAME = "raid10";
    static final int MIN_DISKS = 2;

    /** mdadm's default: two near copies, one far ({@code n2}). */
    public static final int NEAR2 = 0x102;
    /** Two far copies ({@code f2}). */
    public static final int FAR2 = 0x201;
    /** Two offset copies ({@code o2}). */
    public static final int OFFSET2 = 0x10201;

    public Raid10Level() {
        super(MD_LEVEL, NAME, MIN_DISKS, true, NEAR2);
    }

    @Override
    public io.uraid.core.plan.LevelIo io(Layout layout) {
        return new io.uraid.levels.io.MirrorIo(layout);
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new Raid10Layout(geometry);
    }

    /**
     * True when some chunk keeps no working copy. Chunks start on disks {@code k * near mod disks},
     * a cycle of at most {@code disks} values, and the disks of a chunk's copies depend only on
     * where it starts, so checking {@code disks} consecutive chunks is exact.
     *
     * <p>For the original layouts this is md's {@code _enough} test. For far sets md's test is
     * looser (it checks runs of consecutive disks, not the sets), so md may start an array that
     * has lost chunks; uraid refuses it.
     */
    @Override
    public boolean failedArray(Geometry geometry, long workingRoles) {
        LevelChecks.allRoles(geometry);
        Raid10Shape shape = Raid10Shape.of(geometry.layout(), geometry.raidDisks());
        int disks = shape.disks();
        for (int k = 0; k < disks; k++) {
            int first = (int) ((long) k * shape.near() % disks);
            boolean served = false;
            for (int copy = 0; copy < shape.copies() && !served; copy++) {
                served = (workingRoles & (1L << shape.device(first, copy))) != 0;
            }
            if (!served) {
                return true; // a chunk with no working copy
            }
        }
        return false;
    }
}
