package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/**
 * md level 1, {@code raid1}: an N-way mirror. md runs it with a single disk (mdadm needs
 * {@code --force} to create one), and it serves every byte while any one role is in sync.
 */
public final class Raid1Level extends MdLevel {

    static final int MD_LEVEL = 1;
    static final String NAME = "raid1";
    static final int MIN_DISKS = 1;

    public Raid1Level() {
        super(MD_LEVEL, NAME, MIN_DISKS, true, 0);
    }

    @Override
    public io.uraid.core.plan.LevelIo io(Layout layout) {
        return new io.uraid.levels.io.MirrorIo(layout);
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new Raid1Layout(geometry);
    }

    @Override
    public boolean failedArray(Geometry geometry, long workingRoles) {
        return (workingRoles & LevelChecks.allRoles(geometry)) == 0;
    }
}
