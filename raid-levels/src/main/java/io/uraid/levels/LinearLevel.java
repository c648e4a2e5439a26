package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.RaidLevel;

/** md level -1, {@code linear}: concatenation, no redundancy; every member is needed. */
public final class LinearLevel implements RaidLevel {

    static final int MD_LEVEL = -1;
    static final String NAME = "linear";
    static final int MIN_DISKS = 1;

    @Override
    public int mdLevel() {
        return MD_LEVEL;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int minDisks() {
        return MIN_DISKS;
    }

    @Override
    public boolean redundant() {
        return false;
    }

    /** md keeps no layout for linear. */
    @Override
    public int defaultLayout() {
        return 0;
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new LinearLayout(geometry);
    }

    @Override
    public boolean canServe(Geometry geometry, long workingRoles) {
        long all = LevelChecks.allRoles(geometry);
        return (workingRoles & all) == all;
    }
}
