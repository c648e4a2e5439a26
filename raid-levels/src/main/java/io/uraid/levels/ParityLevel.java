package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.levels.io.ParityIo;
import io.uraid.levels.parity.ParityLayout;

/**
 * md's raid456 personality at one level (4, 5 or 6): data chunks striped over the members with
 * one (P) or two (P and Q) parity chunks per stripe, placed by the md layout word (see
 * {@link ParityLayout}). An array serves every byte while no more roles are missing than it
 * has parity chunks per stripe: raid4/5 fail at two missing, raid6 at three.
 */
public abstract class ParityLevel extends MdLevel {
    private final int parityDisks;

    ParityLevel(int mdLevel, int defaultLayout) {
        super(mdLevel, "raid" + mdLevel, ParityLayout.minDisks(mdLevel), true, defaultLayout);
        this.parityDisks = mdLevel == 6 ? 2 : 1;
    }

    /** Parity chunks per stripe: 1 for raid4/5, 2 for raid6. */
    public final int parityDisks() {
        return parityDisks;
    }

    @Override
    public final Layout layout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, mdLevel(), name());
        LevelChecks.requireDisks(geometry, minDisks(), name());
        return new ParityArrayLayout(ParityLayout.of(mdLevel(), geometry.layout(), geometry.raidDisks(),
                geometry.chunkBytes(), LevelChecks.smallestMember(geometry)));
    }

    @Override
    public final io.uraid.core.plan.LevelIo io(Layout layout) {
        return new ParityIo(((ParityArrayLayout) layout).parity());
    }

    @Override
    public final boolean failedArray(Geometry geometry, long workingRoles) {
        long all = LevelChecks.allRoles(geometry);
        return Long.bitCount(all & ~workingRoles) > parityDisks;
    }
}
