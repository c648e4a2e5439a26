package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;

/** md level -1, {@code linear}: concatenation, no redundancy; every member is needed. */
public final class LinearLevel extends MdLevel {

    static final int MD_LEVEL = -1;
    static final String NAME = "linear";
    static final int MIN_DISKS = 1;

    public LinearLevel() {
        super(MD_LEVEL, NAME, MIN_DISKS, false, 0); // md keeps no layout word for linear
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new LinearLayout(geometry);
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
