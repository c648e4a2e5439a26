package io.uraid.core.spi;

/**
 * One RAID level (personality): its rules and its layout. Implementations live in the
 * raid-levels module and are found through {@link java.util.ServiceLoader}.
 */
public interface RaidLevel {

    /** md level number: -1 linear, 0, 1, 10 (4, 5, 6 for parity). */
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
     * True when the array can no longer serve every byte with only the roles in {@code working}
     * (bit i set = role i in sync): md's FAILED state. The level's rule for degraded service.
     */
    boolean failedArray(Geometry geometry, long workingRoles);

    /** True when the array can serve every byte with only the roles in {@code working}. */
    default boolean canServe(Geometry geometry, long workingRoles) {
        return !failedArray(geometry, workingRoles);
    }

    /** How the members' usable size is recorded in md's superblock, so assembly reads it back. */
    enum MemberSizing {
        /** Each member's own data size (v1 data_size, md's rdev->sectors): linear, raid0. */
        OWN,
        /** One per-device size for every member (v1 size, md's dev_sectors): mirrors, parity. */
        COMMON
    }

    /** How this level sizes its members (md: striped levels each their own, the others one common size). */
    default MemberSizing memberSizing() {
        return MemberSizing.COMMON;
    }
}
