package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/** md level 0, {@code raid0}: striping without redundancy; every member is needed. */
public final class Raid0Level extends MdLevel {

    static final int MD_LEVEL = 0;
    static final String NAME = "raid0";
    static final int MIN_DISKS = 1;

    /** md's RAID0_ORIG_LAYOUT, which mdadm writes for new raid0 arrays (mdadm util.c default_layout). */
    static final int ORIG_LAYOUT = 1;

    public Raid0Level() {
        super(MD_LEVEL, NAME, MIN_DISKS, false, ORIG_LAYOUT);
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new Raid0Layout(geometry);
    }

    /** Striped levels record each member's own data size. */
    @Override
    public MemberSizing memberSizing() {
        return MemberSizing.OWN;
    }

    @Override
    public io.uraid.core.plan.LevelIo io(Layout layout) {
        return new io.uraid.levels.io.StripeIo(layout);
    }

    @Override
    public boolean failedArray(Geometry geometry, long workingRoles) {
        return !LevelChecks.allWorking(geometry, workingRoles);
    }
}
