package io.uraid.core.spi;

/**
 * One RAID level (personality): its rules and its layout. Implementations live in the
 * raid-levels module and are found through {@link java.util.ServiceLoader}.
 */
public interface RaidLevel {

    /** md level number: -1 linear, 0, 1, 10. */
    int mdLevel();

    /** Name as md prints it: "linear", "raid0", "raid1", "raid10". */
    String name();

    /** Fewest raid devices the level allows. */
    int minDisks();

    /** True when a member may be missing and the array still serves every byte (raid1, raid10). */
    boolean redundant();

    /** The md layout word used when the user gives none (raid10: n2 = 0x102). */
    int defaultLayout();

    /**
     * The layout of an array of this level.
     *
     * @throws IllegalArgumentException with a one-line reason when the geometry is not valid
     *         for this level (too few disks, chunk not a power of two, unequal members...)
     */
    Layout layout(Geometry geometry);

    /**
     * The I/O strategy of one array of this level, over {@code layout} (which this level made):
     * how its requests map into member legs and what a failed leg means.
     */
    io.uraid.core.plan.LevelIo io(Layout layout);

    /**
     * True when the array can serve every byte with only the roles in {@code working}
     * (bit i set = role i in sync).
     */
    boolean canServe(Geometry geometry, long workingRoles);
}
