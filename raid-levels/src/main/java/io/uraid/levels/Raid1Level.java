package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.RaidLevel;

/**
 * md level 1, {@code raid1}: an N-way mirror. md runs it with a single disk (mdadm needs
 * {@code --force} to create one), and it serves every byte while any one role is in sync.
 */
public final class Raid1Level implements RaidLevel {

    static final int MD_LEVEL = 1;
    static final String NAME = "raid1";
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
        return true;
    }

    @Override
    public int defaultLayout() {
        return 0;
    }

    @Override
    public Layout layout(Geometry geometry) {
        return new Raid1Layout(geometry);
    }

    @Override
    public boolean canServe(Geometry geometry, long workingRoles) {
        return (workingRoles & LevelChecks.allRoles(geometry)) != 0;
    }
}
