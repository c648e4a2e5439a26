package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The range lock's rules, and its table against a plain map under many takes and releases. */
class RangeLockTest {

    @Test
    void exclusiveExcludesEveryoneAndSharedHoldersShare() {
        RangeLock lock = new RangeLock(16);
        assertTrue(lock.tryAcquire(5, 6, false));
        assertFalse(lock.tryAcquire(6, 6, true), "a unit held exclusively refuses readers");
        assertFalse(lock.tryAcquire(4, 5, false), "and writers, even for a range that only touches it");
        assertTrue(lock.tryAcquire(7, 8, false), "other units are free");
        lock.release(5, 6, false);
        assertTrue(lock.tryAcquire(6, 6, true));
        assertTrue(lock.tryAcquire(6, 6, true), "readers share");
        assertFalse(lock.tryAcquire(6, 6, false));
        lock.release(6, 6, true);
        assertFalse(lock.tryAcquire(6, 6, false), "one reader still holds it");
        lock.release(6, 6, true);
        assertTrue(lock.tryAcquire(6, 6, false));
    }

    @Test
    void aRefusedRangeTakesNothing() {
        RangeLock lock = new RangeLock(16);
        assertTrue(lock.tryAcquire(10, 10, false));
        assertFalse(lock.tryAcquire(8, 12, false));
        assertEquals(1, lock.held(), "units 8, 9, 11, 12 were not taken");
        assertTrue(lock.tryAcquire(8, 9, false));
    }

    @Test
    void agreesWithAMapThroughManyTakesAndReleases() {
        RangeLock lock = new RangeLock(64);
        Map<Long, Integer> model = new HashMap<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            long unit = rnd.nextInt(300) * 1_000_003L; // spread keys that collide in a small table
            boolean shared = rnd.nextBoolean();
            int h = model.getOrDefault(unit, 0);
            if (rnd.nextInt(3) > 0 && model.size() < 60) {
                boolean expect = h == 0 || shared && h > 0;
                assertEquals(expect, lock.tryAcquire(unit, unit, shared), "take " + unit);
                if (expect) {
                    model.put(unit, shared ? h + 1 : -1);
                }
            } else if (h != 0) {
                lock.release(unit, unit, h > 0);
                if (h > 1) {
                    model.put(unit, h - 1);
                } else {
                    model.remove(unit);
                }
            }
            assertEquals(model.size(), lock.held());
        }
    }
}
