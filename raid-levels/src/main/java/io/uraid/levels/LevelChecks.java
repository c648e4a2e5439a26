package io.uraid.levels;

import io.uraid.core.spi.Geometry;

/** Validation shared by the levels; every failure is a one-line IllegalArgumentException. */
final class LevelChecks {

    /** md counts in 512-byte sectors; sizes and chunks that are not whole sectors cannot come from md. */
    static final int SECTOR = 512;

    /** uraid does I/O in 4 KiB blocks, and md's own minimum chunk for striped levels is PAGE_SIZE (4 KiB on x86). */
    static final int MIN_CHUNK = 4096;

    private LevelChecks() {
    }

    static void requireLevel(Geometry g, int mdLevel, String name) {
        if (g.level() != mdLevel) {
            throw new IllegalArgumentException(name + " cannot lay out a geometry of md level " + g.level());
        }
    }

    static void requireDisks(Geometry g, int minDisks, String name) {
        if (g.raidDisks() < minDisks) {
            throw new IllegalArgumentException(name + " needs at least " + minDisks
                    + (minDisks == 1 ? " raid device" : " raid devices") + ", got " + g.raidDisks());
        }
        for (int role = 0; role < g.raidDisks(); role++) {
            long bytes = g.memberBytes(role);
            if (bytes < 0 || bytes % SECTOR != 0) {
                throw new IllegalArgumentException(name + " member " + role + " size must be a non-negative multiple of "
                        + SECTOR + " bytes: " + bytes);
            }
        }
    }

    static void requirePowerOfTwoChunk(Geometry g, String name) {
        int chunk = g.chunkBytes();
        if (chunk < MIN_CHUNK || Integer.bitCount(chunk) != 1) {
            throw new IllegalArgumentException(name + " chunk must be a power of two of at least " + MIN_CHUNK
                    + " bytes: " + chunk);
        }
    }

    /** Smallest member size: md's single per-device size can be no larger than any member. */
    static long smallestMember(Geometry g) {
        long min = Long.MAX_VALUE;
        for (int role = 0; role < g.raidDisks(); role++) {
            min = Math.min(min, g.memberBytes(role));
        }
        return min;
    }

    /** Mask with one bit per role; roles beyond 63 cannot be expressed in the working-roles word. */
    static long allRoles(Geometry g) {
        int disks = g.raidDisks();
        if (disks > Long.SIZE) {
            throw new IllegalArgumentException("working-role masks cover at most " + Long.SIZE + " roles, got " + disks);
        }
        return disks == Long.SIZE ? -1L : (1L << disks) - 1;
    }

    /** True when every role is working: what a level without redundancy needs to serve. */
    static boolean allWorking(Geometry g, long workingRoles) {
        long all = allRoles(g);
        return (workingRoles & all) == all;
    }
}
