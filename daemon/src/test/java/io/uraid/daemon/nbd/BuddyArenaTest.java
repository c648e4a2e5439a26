package io.uraid.daemon.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The payload pool's buddy allocator: blocks never overlap, and everything merges back. */
class BuddyArenaTest {

    @Test
    void blocksNeverOverlapAndAllMergeBackIntoTheLargest() {
        int minShift = 12;
        int maxShift = 16;
        int blocks = 3;
        BuddyArena arena = new BuddyArena(minShift, maxShift, blocks);
        long size = (long) blocks << maxShift;
        Random rnd = new Random(1);
        List<long[]> held = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            if (rnd.nextBoolean() || held.isEmpty()) {
                int order = rnd.nextInt(maxShift - minShift + 1);
                long at = arena.allocate(order);
                if (at >= 0) {
                    long len = 1L << (minShift + order);
                    assertEquals(0, at % len, "blocks are aligned to their size");
                    assertTrue(at + len <= size);
                    for (long[] h : held) {
                        assertTrue(at + len <= h[0] || h[0] + h[1] <= at, "overlap at " + at);
                    }
                    held.add(new long[] {at, len, order});
                }
            } else {
                long[] h = held.remove(rnd.nextInt(held.size()));
                arena.release(h[0], (int) h[2]);
            }
        }
        for (long[] h : held) {
            arena.release(h[0], (int) h[2]);
        }
        for (int i = 0; i < blocks; i++) {
            assertTrue(arena.allocate(maxShift - minShift) >= 0, "largest block " + i + " merged back");
        }
        assertEquals(-1, arena.allocate(0), "and nothing else is left");
    }
}
