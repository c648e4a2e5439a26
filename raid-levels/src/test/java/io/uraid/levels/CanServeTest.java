package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.spi.Geometry;
import org.junit.jupiter.api.Test;

class CanServeTest {

    private static final int CHUNK = 4096;

    /** Reference: walk every chunk of a small array and look for a copy on a working role. */
    private static boolean everyChunkHasAWorkingCopy(Raid10Model model, long working) {
        for (long k = 0; k < model.arrayChunks; k++) {
            boolean served = false;
            for (int c = 0; c < model.near * model.far; c++) {
                served |= (working & (1L << model.member(k * CHUNK, c))) != 0;
            }
            if (!served) {
                return false;
            }
        }
        return true;
    }

    /** md's raid10.c {@code _enough}, transcribed: runs of {@code copies} disks starting every {@code near} disks. */
    private static boolean mdEnough(int disks, int near, int copies, long working) {
        int first = 0;
        do {
            int count = 0;
            int d = first;
            for (int n = 0; n < copies; n++) {
                if ((working & (1L << d)) != 0) {
                    count++;
                }
                d = (d + 1) % disks;
            }
            if (count == 0) {
                return false;
            }
            first = (first + near) % disks;
        } while (first != 0);
        return true;
    }

    @Test
    void shouldServeRaid10ExactlyWhenEveryChunkKeepsAWorkingCopy() {
        Raid10Level level = new Raid10Level();
        for (int disks = 2; disks <= 8; disks++) {
            for (int layout : Raid10LayoutTest.LAYOUTS) {
                if (!Raid10LayoutTest.fits(layout, disks)) {
                    continue;
                }
                Geometry g = Geometry.uniform(10, layout, CHUNK, disks, 8L * CHUNK);
                Raid10Model model = new Raid10Model(layout, disks, CHUNK, 8L * CHUNK);
                for (long mask = 0; mask < 1L << disks; mask++) {
                    boolean expected = everyChunkHasAWorkingCopy(model, mask);
                    String ctx = String.format("layout=0x%x disks=%d working=%s", layout, disks, Long.toBinaryString(mask));
                    assertEquals(expected, level.canServe(g, mask), ctx);
                    if (layout >> 17 == 0) {
                        assertEquals(mdEnough(disks, model.near, model.near * model.far, mask), expected, ctx);
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseRaid10WhenFarSetsLoseBothCopiesThoughMdEnoughPasses() {
        // f2 in sets of 2 on 5 disks: sets {0,1} and {2,3,4}; chunks starting on 4 are copied to 2.
        Geometry g = Geometry.uniform(10, 0x40201, CHUNK, 5, 8L * CHUNK);
        long working = 0b01011;
        assertTrue(mdEnough(5, 1, 2, working));
        assertFalse(new Raid10Level().canServe(g, working));
    }

    @Test
    void shouldServeRaid10NearWhenAlternateDisksFail() {
        Geometry g = Geometry.uniform(10, 0x102, CHUNK, 4, 8L * CHUNK);
        Raid10Level level = new Raid10Level();
        assertTrue(level.canServe(g, 0b0101));
        assertTrue(level.canServe(g, 0b1010));
        assertFalse(level.canServe(g, 0b1100));
        assertFalse(level.canServe(g, 0b0011));
    }

    @Test
    void shouldServeRaid1WhileAnyRoleWorks() {
        Raid1Level level = new Raid1Level();
        Geometry g = Geometry.uniform(1, 0, 0, 3, 1 << 20);
        assertFalse(level.canServe(g, 0));
        assertTrue(level.canServe(g, 0b100));
        assertTrue(level.canServe(g, 0b111));
        assertFalse(level.canServe(g, 0b1000), "bits beyond the raid devices are not roles");
    }

    @Test
    void shouldServeStripedLevelsOnlyWithEveryRole() {
        Geometry r0 = Geometry.uniform(0, 1, CHUNK, 3, 1 << 20);
        Geometry lin = Geometry.uniform(-1, 0, 0, 3, 1 << 20);
        for (long mask = 0; mask < 16; mask++) {
            boolean all = (mask & 0b111) == 0b111;
            assertEquals(all, new Raid0Level().canServe(r0, mask));
            assertEquals(all, new LinearLevel().canServe(lin, mask));
        }
    }

    @Test
    void shouldServeSixtyFourRolesAndRefuseMore() {
        assertTrue(new Raid0Level().canServe(Geometry.uniform(0, 1, CHUNK, 64, 1 << 20), -1L));
        assertFalse(new Raid0Level().canServe(Geometry.uniform(0, 1, CHUNK, 64, 1 << 20), Long.MAX_VALUE));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid1Level().canServe(Geometry.uniform(1, 0, 0, 65, 1 << 20), -1L));
        assertEquals("working-role masks cover at most 64 roles, got 65", e.getMessage());
    }
}
