package io.uraid.levels;

import io.uraid.core.spi.BaseLevel;

/**
 * An md personality: its md number, name, fewest disks, redundancy and default layout word are
 * stated once (see {@link BaseLevel}); subclasses add their layout, their I/O and when an array
 * of theirs can still serve.
 */
abstract class MdLevel extends BaseLevel {

    MdLevel(int mdLevel, String name, int minDisks, boolean redundant, int defaultLayout) {
        super(mdLevel, name, minDisks, redundant, defaultLayout);
    }
}
