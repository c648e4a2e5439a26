package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpinPolicyTest {
    private static final long LIMIT = 50_000;

    @Test
    void spinsWhileWorkComesWithinTheLimit() {
        SpinPolicy p = new SpinPolicy(LIMIT);
        for (int i = 0; i < 1000; i++) {
            assertEquals(LIMIT, p.spinNanos());
            p.idleEnded(i % 3 == 0 ? 200_000 : 5_000); // two waits in three are short
        }
    }

    @Test
    void blocksOnceMostWaitsOutlastTheSpinAndProbesNow() {
        SpinPolicy p = new SpinPolicy(LIMIT);
        for (int i = 0; i < 20; i++) {
            p.spinNanos();
            p.idleEnded(300_000);
        }
        assertTrue(p.shortShare() < 0.5, "share " + p.shortShare());
        int spins = 0;
        for (int i = 0; i < SpinPolicy.PROBE_EVERY * 10; i++) {
            if (p.spinNanos() > 0) {
                spins++;
            }
            p.idleEnded(300_000);
        }
        assertEquals(10, spins, "one probe every " + SpinPolicy.PROBE_EVERY + " waits");
    }

    @Test
    void comesBackToSpinningWhenTheWaitsShortenAgain() {
        SpinPolicy p = new SpinPolicy(LIMIT);
        for (int i = 0; i < 50; i++) {
            p.spinNanos();
            p.idleEnded(1_000_000);
        }
        assertEquals(0, p.spinNanos());
        int waits = 0;
        while (p.spinNanos() == 0) {
            p.idleEnded(20_000); // short even with a wake-up's latency in it
            waits++;
            assertTrue(waits < 20, "still blocking after " + waits + " short waits");
        }
        assertEquals(LIMIT, p.spinNanos());
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SpinPolicy(-1));
    }
}
