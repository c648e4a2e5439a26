package io.uraid.levels.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.MemberState;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stripe cache (md's stripe_cache_size): partial writes to one stripe taken in one dispatcher
 * turn go out as one plan, with no reads when together they cover the stripe; each request
 * completes with the result it would have had alone; overlapping writes keep their ring order;
 * a read taken after a write returns the write's bytes; more stripes than the cache holds all
 * complete. Requests are published from inside a dispatcher task, so its next turn takes them
 * as one batch. The oracles: the reference bytes, and parity recomputed from the members'
 * data outside the array.
 */
@Timeout(60)
class StripeCacheTest {
    private static final int CHUNK = 16 << 10;
    private static final long MEMBER = (1 << 20) + 64 * CHUNK;

    /** One request of a batch: a write of {@code data}, or (data null) a read of {@code length} bytes. */
    private record Op(long at, int length, byte[] data) {
        static Op write(long at, byte[] data) {
            return new Op(at, data.length, data);
        }

        static Op read(long at, int length) {
            return new Op(at, length, null);
        }
    }

    /** Results of one batch: each request's status, and what each read returned. */
    private record Done(int[] status, byte[][] read) {
    }

    private static ParityArrays array(String name, int level, int disks, int cacheSize) throws Exception {
        return new ParityArrays(name, level, 2, disks, CHUNK, MEMBER, null,
                ArrayOptions.DEFAULT.withStripeCacheSize(cacheSize));
    }

    /**
     * Publishes every op from inside one dispatcher task, in order (the next turn takes them
     * all as one batch), waits for all, and copies each write into the reference.
     */
    private static Done batch(ParityArrays a, List<Op> ops) throws Exception {
        int bytes = 0;
        for (Op o : ops) {
            bytes += o.length();
        }
        try (NativeBuffer buf = NativeBuffer.allocate(Math.max(4096, bytes))) {
            int[] status = new int[ops.size()];
            long[] at = new long[ops.size()];
            CountDownLatch done = new CountDownLatch(ops.size());
            int off = 0;
            for (int i = 0; i < ops.size(); i++) {
                Op o = ops.get(i);
                at[i] = off;
                if (o.data() != null) {
                    buf.view().put(off, o.data());
                }
                off += o.length();
            }
            a.array.callOnDispatcher(() -> {
                for (int i = 0; i < ops.size(); i++) {
                    Op o = ops.get(i);
                    long address = buf.address() + at[i];
                    if (o.data() != null) {
                        a.array.write(o.at(), o.length(), address, 0, (tag, r) -> {
                            status[(int) tag] = r;
                            done.countDown();
                        }, i);
                    } else {
                        a.array.read(o.at(), o.length(), address, (tag, r) -> {
                            status[(int) tag] = r;
                            done.countDown();
                        }, i);
                    }
                }
                return null;
            });
            assertTrue(done.await(30, TimeUnit.SECONDS), "every request of the batch completes");
            byte[][] read = new byte[ops.size()][];
            for (int i = 0; i < ops.size(); i++) {
                Op o = ops.get(i);
                if (o.data() == null) {
                    read[i] = new byte[o.length()];
                    buf.view().get((int) at[i], read[i]);
                } else {
                    System.arraycopy(o.data(), 0, a.reference, (int) o.at(), o.length());
                }
            }
            return new Done(status, read);
        }
    }

    private static byte[] random(Random rnd, int length) {
        byte[] b = new byte[length];
        rnd.nextBytes(b);
        return b;
    }

    /** 4 KiB writes covering {@code [from, to)} one after another. */
    private static List<Op> adjacent(long from, long to, Random rnd) {
        List<Op> ops = new ArrayList<>();
        for (long at = from; at < to; at += 4096) {
            ops.add(Op.write(at, random(rnd, 4096)));
        }
        return ops;
    }

    private static void assertAllSucceeded(Done d) {
        for (int i = 0; i < d.status().length; i++) {
            assertEquals(0, d.status()[i], "request " + i);
        }
    }

    @Test
    void adjacentSmallWritesCoveringAStripeInOneTurnReadNothingAndWriteEachRowOnce() throws Exception {
        for (int level : new int[] {5, 6}) {
            try (ParityArrays a = array("full" + level, level, level == 5 ? 4 : 5, ArrayOptions.DEFAULT_STRIPE_CACHE)) {
                Random rnd = new Random(level);
                long stripe = a.layout.stripeBytes();
                long readsBefore = a.memberReads();
                long writesBefore = a.memberWrites();
                assertAllSucceeded(batch(a, adjacent(stripe, 2 * stripe, rnd)));
                assertEquals(0, a.memberReads() - readsBefore, "raid" + level + ": the gathered stripe is written whole");
                int parityRoles = level == 5 ? 1 : 2;
                assertEquals(stripe / 4096 + parityRoles, a.memberWrites() - writesBefore,
                        "raid" + level + ": a leg per request, one per parity member");
                a.assertReadsReference("raid" + level + " after the gathered stripe");
                a.assertParity();
            }
        }
    }

    @Test
    void theSameWritesWithTheCacheOffEachReadOldDataAndParity() throws Exception {
        try (ParityArrays a = array("alone", 5, 4, 0)) {
            long stripe = a.layout.stripeBytes();
            long before = a.memberReads();
            assertAllSucceeded(batch(a, adjacent(stripe, 2 * stripe, new Random(5))));
            assertEquals(2 * stripe / 4096, a.memberReads() - before, "each 4 KiB write alone: old data and old parity");
            a.assertReadsReference("writes alone");
            a.assertParity();
        }
    }

    @Test
    void partialWritesToOneStripeGoOutAsOnePlanChosenByTheirCombinedReads() throws Exception {
        try (ParityArrays a = array("partial", 5, 4, ArrayOptions.DEFAULT_STRIPE_CACHE)) {
            Random rnd = new Random(7);
            long stripe = a.layout.stripeBytes();
            // Row 0 of data chunks 0 and 1: together md's rule reconstructs from chunk 2's row
            // (1 read); alone each would read 2 (its old data and the old parity).
            long before = a.memberReads();
            assertAllSucceeded(batch(a, List.of(Op.write(stripe, random(rnd, 4096)),
                    Op.write(stripe + CHUNK, random(rnd, 4096)))));
            assertEquals(1, a.memberReads() - before, "one reconstruct-write for both");
            // Rows apart in one chunk, with rows between them unwritten: read-modify-write reads
            // the hull of the chunk (3 rows) and the parity's (3 rows): 2 legs.
            before = a.memberReads();
            assertAllSucceeded(batch(a, List.of(Op.write(2 * stripe, random(rnd, 4096)),
                    Op.write(2 * stripe + 8192, random(rnd, 4096)))));
            assertEquals(2, a.memberReads() - before, "one read-modify-write over the rows of both");
            a.assertReadsReference("after gathered partial writes");
            a.assertParity();
        }
    }

    @Test
    void overlappingWritesInOneTurnEndWithTheLaterWritesBytes() throws Exception {
        for (int level : new int[] {5, 6}) {
            try (ParityArrays a = array("overlap" + level, level, 5, ArrayOptions.DEFAULT_STRIPE_CACHE)) {
                Random rnd = new Random(11 + level);
                long stripe = a.layout.stripeBytes();
                List<Op> ops = new ArrayList<>();
                ops.add(Op.write(0, random(rnd, 3 * 4096)));
                ops.add(Op.write(4096, random(rnd, 4096)));
                ops.add(Op.write(0, random(rnd, 4096)));
                ops.add(Op.write(CHUNK - 4096, random(rnd, 8192))); // across a chunk boundary
                ops.add(Op.write(CHUNK, random(rnd, 4096)));
                ops.add(Op.write(0, random(rnd, (int) stripe))); // the whole stripe, then parts of it again
                ops.add(Op.write(2 * CHUNK + 4096, random(rnd, 4096)));
                ops.add(Op.write(2 * CHUNK + 4096, random(rnd, 4096)));
                assertAllSucceeded(batch(a, ops)); // the reference takes them in ring order
                a.assertReadsReference("raid" + level + ": later writes win");
                a.assertParity();
            }
        }
    }

    @Test
    void aReadTakenAfterAWriteInTheSameTurnReturnsTheWritesBytes() throws Exception {
        try (ParityArrays a = array("readafter", 5, 4, ArrayOptions.DEFAULT_STRIPE_CACHE)) {
            Random rnd = new Random(13);
            byte[] first = random(rnd, 4096);
            byte[] second = random(rnd, 8192);
            Done d = batch(a, List.of(Op.write(8192, first), Op.read(8192, 4096), Op.write(CHUNK, second),
                    Op.read(CHUNK - 4096, 3 * 4096)));
            assertAllSucceeded(d);
            assertArrayEquals(first, d.read()[1]);
            byte[] expected = new byte[3 * 4096];
            System.arraycopy(second, 0, expected, 4096, 8192);
            assertArrayEquals(expected, d.read()[3], "the old (zero) row and the new ones");
            a.assertParity();
        }
    }

    @Test
    void moreStripesThanTheCacheHoldsInOneTurnAllComplete() throws Exception {
        try (ParityArrays a = array("bounded", 5, 4, 2)) {
            Random rnd = new Random(17);
            long stripe = a.layout.stripeBytes();
            List<Op> ops = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int s = 0; s < 12; s++) { // twelve stripes, a few writes each, interleaved
                    ops.add(Op.write(s * stripe + round * CHUNK + 4096L * s % CHUNK, random(rnd, 4096)));
                }
            }
            assertAllSucceeded(batch(a, ops));
            a.assertReadsReference("twelve stripes through a cache of two");
            a.assertParity();
        }
    }

    @Test
    void manyRandomBatchesKeepEveryByteAndTheParity() throws Exception {
        for (int level : new int[] {5, 6}) {
            try (ParityArrays a = array("random" + level, level, 6, 8)) {
                Random rnd = new Random(19 + level);
                long size = a.array.size();
                for (int b = 0; b < 30; b++) {
                    List<Op> ops = new ArrayList<>();
                    long base = 4096L * rnd.nextInt((int) (size / 4096) - 64);
                    for (int i = rnd.nextInt(40) + 1; i > 0; i--) {
                        int len = 4096 * (1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(16) : 0));
                        long at = Math.min(size - len, base + 4096L * rnd.nextInt(64));
                        ops.add(rnd.nextInt(6) == 0 ? Op.read(at, len) : Op.write(at, random(rnd, len)));
                    }
                    assertAllSucceeded(batch(a, ops));
                }
                a.assertReadsReference("raid" + level + " after random batches");
                a.assertParity();
            }
        }
    }

    @Test
    void gatheredWritesOnADegradedArrayKeepEveryByte() throws Exception {
        for (int level : new int[] {5, 6}) {
            try (ParityArrays a = array("degraded" + level, level, 5, ArrayOptions.DEFAULT_STRIPE_CACHE)) {
                Random rnd = new Random(23 + level);
                long stripe = a.layout.stripeBytes();
                a.randomWrites(10, rnd);
                assertTrue(a.array.fail(1));
                if (level == 6) {
                    assertTrue(a.array.fail(3));
                }
                for (long s = 0; s < 6; s++) {
                    List<Op> ops = adjacent(s * stripe + 4096 * s, s * stripe + 4096 * s + (s % 2 == 0 ? stripe : CHUNK),
                            rnd);
                    ops.add(Op.write(s * stripe + 2 * CHUNK + 8192, random(rnd, 4096)));
                    assertAllSucceeded(batch(a, ops));
                }
                a.assertReadsReference("raid" + level + " degraded, gathered writes");
            }
        }
    }

    @Test
    void aMemberFailingItsWritesUnderAGatheredPlanIsFailedAndEveryRequestIsKept() throws Exception {
        FaultyEngine[] faults = new FaultyEngine[1];
        try (ParityArrays a = new ParityArrays("wfail", 5, 2, 4, CHUNK, MEMBER, m -> faults[0] = new FaultyEngine(m, 256),
                ArrayOptions.DEFAULT)) {
            Random rnd = new Random(29);
            long stripe = a.layout.stripeBytes();
            a.randomWrites(10, rnd);
            faults[0].add(FaultRule.on(a.paths[2]).writes().errno(5));
            List<Op> ops = adjacent(stripe, stripe + 2 * CHUNK + 8192, rnd); // partial: gathered, every member written
            ops.addAll(adjacent(3 * stripe + 4096, 3 * stripe + 3 * 4096, rnd));
            assertAllSucceeded(batch(a, ops));
            assertEquals(MemberState.FAULTY, a.array.members()[2].state());
            a.assertReadsReference("with role 2 failed under the gathered plans");
        }
    }

    @Test
    void withNoRedundancyLeftAFailedDataLegFailsOnlyTheRequestWhoseBytesItCarried() throws Exception {
        FaultyEngine[] faults = new FaultyEngine[1];
        try (ParityArrays a = new ParityArrays("lastfail", 5, 2, 4, CHUNK, MEMBER, m -> faults[0] = new FaultyEngine(m, 256),
                ArrayOptions.DEFAULT)) {
            Random rnd = new Random(31);
            long stripe = a.layout.stripeBytes();
            assertTrue(a.array.fail(0));
            // A stripe whose parity is on neither role 0 (failed) nor role 2 (about to fail its
            // writes): its data chunk on role 2, and one on another working role.
            long s = 0;
            while (a.layout.pRole(s) == 0 || a.layout.pRole(s) == 2) {
                s++;
            }
            int onTwo = -1;
            int other = -1;
            for (int dd = 0; dd < a.layout.dataDisks(); dd++) {
                int role = a.layout.dataRole(s, dd);
                if (role == 2) {
                    onTwo = dd;
                } else if (role != 0) {
                    other = dd;
                }
            }
            long base = s * stripe;
            faults[0].add(FaultRule.on(a.paths[2]).writes().errno(5));
            Done d = batch(a, List.of(Op.write(base + onTwo * (long) CHUNK, random(rnd, 4096)),
                    Op.write(base + other * (long) CHUNK + 4096, random(rnd, 4096))));
            assertEquals(-5, d.status()[0], "its bytes could not be written and no redundancy is left");
            assertEquals(0, d.status()[1], "the other write's member and the parity took it");
            assertEquals(MemberState.IN_SYNC, a.array.members()[2].state(), "md never fails the last copy");
        }
    }
}
