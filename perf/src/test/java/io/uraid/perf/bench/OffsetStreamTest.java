package io.uraid.perf.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class OffsetStreamTest {
    private static final int BS = 4096;

    @Test
    void randomOffsetsAreAlignedInsideTheRegionAndCoverIt() {
        long region = 1000L * BS + 123; // a tail shorter than a block is never used
        OffsetStream s = new OffsetStream(RwMode.RANDREAD, 100, region, BS, 0, 1, 7);
        BitSet seen = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            long off = s.nextOffset();
            assertEquals(0, off % BS, "aligned");
            assertTrue(off >= 0 && off + BS <= region, "inside: " + off);
            seen.set((int) (off / BS));
        }
        assertEquals(1000, seen.cardinality(), "every block drawn at least once");
    }

    @Test
    void sequentialWalksEveryBlockInOrderAndWraps() {
        OffsetStream s = new OffsetStream(RwMode.READ, 100, 10L * BS, BS, 0, 1, 1);
        for (int round = 0; round < 2; round++) {
            for (int b = 0; b < 10; b++) {
                assertEquals((long) b * BS, s.nextOffset());
            }
        }
    }

    @Test
    void jobsNeverShareABlockAndTogetherCoverTheRegion() {
        for (RwMode mode : new RwMode[] {RwMode.RANDWRITE, RwMode.WRITE}) {
            int jobs = 3;
            long blocks = 101;
            int[] owner = new int[(int) blocks];
            java.util.Arrays.fill(owner, -1);
            for (int j = 0; j < jobs; j++) {
                OffsetStream s = new OffsetStream(mode, 0, blocks * BS, BS, j, jobs, 5);
                for (long i = 0; i < s.blocks(); i++) {
                    int b = (int) s.blockAt(i);
                    assertEquals(-1, owner[b], mode + ": block " + b + " owned twice");
                    owner[b] = j;
                }
                for (int i = 0; i < 5000; i++) {
                    assertEquals(j, owner[(int) (s.nextOffset() / BS)], mode + ": job strays into another's block");
                }
            }
            for (int b = 0; b < blocks; b++) {
                assertTrue(owner[b] >= 0, mode + ": block " + b + " belongs to no job");
            }
        }
    }

    @Test
    void mixMatchesTheRequestedRatio() {
        for (int pct : new int[] {0, 10, 70, 100}) {
            OffsetStream s = new OffsetStream(RwMode.RANDRW, pct, 1L << 30, BS, 0, 1, 99);
            int n = 200_000;
            int reads = 0;
            for (int i = 0; i < n; i++) {
                reads += s.nextIsRead() ? 1 : 0;
            }
            assertEquals(pct / 100.0, reads / (double) n, 0.005, "read share for rwmixread=" + pct);
        }
    }

    @Test
    void theSameSeedReproducesAndAnotherSeedDiffers() {
        long[] a = draw(42);
        assertArrayEquals(a, draw(42));
        assertFalse(java.util.Arrays.equals(a, draw(43)));
    }

    private static long[] draw(long seed) {
        OffsetStream s = new OffsetStream(RwMode.RANDRW, 50, 1L << 30, BS, 1, 2, seed);
        long[] v = new long[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.nextOffset() * 2 + (s.nextIsRead() ? 1 : 0);
        }
        return v;
    }
}
