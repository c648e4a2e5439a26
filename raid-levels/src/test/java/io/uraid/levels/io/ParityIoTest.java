package io.uraid.levels.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.levels.parity.ParityAlgorithm;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The raid4/5/6 request path over memory disks: whatever mix of small, chunk, stripe and
 * unaligned writes goes through it, the array reads back what was written and every stripe's
 * P (and Q) is the parity of its data on the members; with members missing (raid6: any two)
 * reads rebuild the same bytes and writes keep the parity right.
 */
@Timeout(120)
class ParityIoTest {
    private static final int CHUNK = 16 << 10;
    private static final long MEMBER = (1 << 20) + 64 * CHUNK;

    @ParameterizedTest(name = "raid{0} layout {1} over {2}")
    @CsvSource({"4,0,3", "5,0,4", "5,1,5", "5,2,4", "5,3,3", "5,4,4", "5,5,4", "5,2,2",
        "6,0,5", "6,1,6", "6,2,4", "6,3,5", "6,4,5", "6,5,4", "6,8,5", "6,9,6", "6,10,5",
        "6,16,5", "6,17,6", "6,18,5", "6,19,5", "6,20,6"})
    void writesOfEveryShapeReadBackAndKeepParity(int level, int layout, int disks) throws Exception {
        try (ParityArrays a = new ParityArrays("w" + level + "-" + layout + "-" + disks, level, layout, disks, CHUNK,
                MEMBER)) {
            Random rnd = new Random(level * 100 + layout * 10 + disks);
            a.randomWrites(120, rnd);
            a.assertReadsReference("healthy");
            a.assertParity();
        }
    }

    @ParameterizedTest(name = "raid{0} layout {1} over {2}")
    @CsvSource({"5,2,4", "5,0,5", "4,0,4", "6,2,5", "6,10,6", "6,18,5"})
    void missingMembersAreRebuiltOnReadAndDegradedWritesKeepParity(int level, int layout, int disks)
            throws Exception {
        int parity = level == 6 ? 2 : 1;
        for (int first = 0; first < disks; first++) {
            for (int second = parity == 2 ? first + 1 : disks; second <= (parity == 2 ? disks - 1 : disks);
                 second++) {
                String name = "d" + level + "-" + layout + "-" + first + "-" + second;
                try (ParityArrays a = new ParityArrays(name, level, layout, disks, CHUNK, MEMBER)) {
                    Random rnd = new Random(first * 31 + second);
                    a.randomWrites(30, rnd);
                    assertTrue(a.array.fail(first));
                    if (second < disks) {
                        assertTrue(a.array.fail(second));
                    }
                    a.assertReadsReference("with role " + first + (second < disks ? " and " + second : "") + " missing");
                    a.randomWrites(30, rnd);
                    a.assertReadsReference("after degraded writes");
                }
            }
        }
    }

    @Test
    void aThirdMissingRaid6MemberIsRefused() throws Exception {
        try (ParityArrays a = new ParityArrays("r6fail", 6, ParityAlgorithm.DEFAULT.word(), 5, CHUNK, MEMBER)) {
            assertTrue(a.array.fail(0));
            assertTrue(a.array.fail(1));
            assertEquals(false, a.array.fail(2), "md never fails the member whose loss fails the array");
        }
    }
}
