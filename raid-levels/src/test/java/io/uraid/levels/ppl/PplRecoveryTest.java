package io.uraid.levels.ppl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.PplHeader;
import io.uraid.levels.parity.ParityLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recovery from the partial parity log over member files: writes logged as md logs them, then
 * torn at 4 KiB granularity (any subset of their data and parity blocks reached the members),
 * must leave every row's parity the XOR of its data after recovery, without touching data.
 */
class PplRecoveryTest {
    private static final int CHUNK = 16 * 1024;
    private static final int STRIPES = 24;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} disks, layout {1}")
    @CsvSource({"3, 2", "4, 2", "5, 2", "4, 0", "4, 1", "5, 3", "4, 4", "3, 5"})
    void tornLoggedWritesLeaveEveryRowConsistentAndTheDataAsTheyLanded(int disks, int layoutWord) throws IOException {
        int tornRowsSeen = 0;
        try (Raid5Images img = Raid5Images.create(dir, disks, layoutWord, CHUNK, STRIPES, disks * 31L + layoutWord)) {
            Random rnd = new Random(disks * 7L + layoutWord);
            for (int round = 0; round < 12; round++) {
                LoggedBatch batch = new LoggedBatch(img); // each recovery starts a new session: the log from its start
                List<long[]> writes = randomWrites(img.layout, rnd, 1 + rnd.nextInt(6));
                List<LoggedBatch.Block> legs = batch.log(writes, rnd, new byte[writes.size()][]);
                for (LoggedBatch.Block b : legs) {
                    if (rnd.nextInt(3) != 0) { // a crash: each block reached its member or not
                        img.put(b.role(), b.offset(), b.bytes());
                    }
                }
                tornRowsSeen += img.inconsistentRows();
                byte[] dataBefore = img.arrayBytes(0, (int) img.layout.arraySize());

                PplRecovery.Outcome out = new PplRecovery(img.layout, img.io(), img.signature, 512).run(img.areas(), true);

                assertEquals(0, img.inconsistentRows(), "round " + round + ": " + out);
                assertArrayEquals(dataBefore, img.arrayBytes(0, (int) img.layout.arraySize()), "recovery writes only parity");
                assertEquals(0, out.mismatches());
                assertEquals(0, out.skippedRows());
                assertTrue(out.recoveredEntries() >= 1, out.toString());
                assertTrue(out.markClean());
                assertLogCleared(img);
            }
        }
        assertTrue(tornRowsSeen > 0, "the crashes must have torn some rows, or the test shows nothing");
    }

    @Test
    void completedWritesRecoverToTheParityTheyWrote() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 4, 2, CHUNK, STRIPES, 5)) {
            Random rnd = new Random(5);
            List<LoggedBatch.Block> legs = new LoggedBatch(img).log(randomWrites(img.layout, rnd, 6), rnd, new byte[6][]);
            legs.forEach(b -> put(img, b));
            byte[][] before = memberImages(img);
            PplRecovery.Outcome out = new PplRecovery(img.layout, img.io(), img.signature, 512).run(img.areas(), true);
            assertTrue(out.recoveredEntries() >= 6, out.toString());
            for (int r = 0; r < 4; r++) {
                byte[] now = img.get(r, img.dataOffset, (int) img.layout.memberBytesUsed());
                assertArrayEquals(before[r], now, "role " + r);
            }
        }
    }

    @Test
    void aCleanStartReplaysNothingButClearsTheLog() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 4, 2, CHUNK, STRIPES, 6)) {
            Random rnd = new Random(6);
            List<LoggedBatch.Block> legs = new LoggedBatch(img).log(randomWrites(img.layout, rnd, 4), rnd, new byte[4][]);
            legs.stream().filter(b -> !b.parity()).forEach(b -> put(img, b)); // data landed, parity did not
            int torn = img.inconsistentRows();
            assertTrue(torn > 0);
            PplRecovery.Outcome out = new PplRecovery(img.layout, img.io(), img.signature, 512).run(img.areas(), false);
            assertEquals(new PplRecovery.Outcome(0, 0, 0, false), out);
            assertEquals(torn, img.inconsistentRows(), "md replays the log only for a dirty array");
            assertLogCleared(img);
        }
    }

    @Test
    void anEntryWithAWrongChecksumIsSkippedAndTheArrayStaysDirty() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 3, 2, CHUNK, STRIPES, 7)) {
            // Two single-row writes on stripes with the same parity member: two entries in one log write.
            long s0 = 0;
            long s1 = 3; // 3 disks: parity rotates every 3 stripes
            assertEquals(img.layout.pRole(s0), img.layout.pRole(s1));
            List<long[]> writes = List.of(new long[] {img.layout.arrayOffsetOf(s0, 0), 4096},
                    new long[] {img.layout.arrayOffsetOf(s1, 1) + 8192, 4096});
            List<LoggedBatch.Block> legs = new LoggedBatch(img).log(writes, new Random(7), new byte[2][]);
            legs.stream().filter(b -> !b.parity()).forEach(b -> put(img, b));
            int p = img.layout.pRole(s0);
            byte[] pp = img.get(p, img.area.start() + PplHeader.BYTES, 1);
            pp[0] ^= 1; // the first entry's partial parity
            img.put(p, img.area.start() + PplHeader.BYTES, pp);
            assertEquals(2, img.inconsistentRows());

            PplRecovery.Outcome out = new PplRecovery(img.layout, img.io(), img.signature, 512).run(img.areas(), true);

            assertEquals(new PplRecovery.Outcome(1, 1, 0, false), out);
            assertEquals(1, img.inconsistentRows(), "the entry with the wrong checksum is left for a resync");
        }
    }

    @Test
    void aRowWhoseModifiedDataMemberIsMissingIsLeftAlone() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 4, 2, CHUNK, STRIPES, 8)) {
            ParityLayout l = img.layout;
            int missing = l.dataRole(tornWriteAcrossTwoChunks(img), 0);

            PplRecovery.Outcome out = new PplRecovery(l, img.io(missing), img.signature, 512).run(img.areas(), true);

            assertEquals(2, out.recoveredEntries(), out.toString());
            assertEquals(2, out.skippedRows(), "rows 2 and 3 of chunk 0's part need the missing member");
            assertEquals(2, img.inconsistentRows(), "rows 0 and 1 modify only data 1 and are recovered");
        }
    }

    /**
     * md reads the log of every device in a role when the array starts (ppl_load), one still
     * being rebuilt included, and replays its entries (ppl_recover_entry writes the parity
     * without looking at the log device's recovery offset): the writer logs a stripe whose
     * parity that device holds once the rebuild has passed it, and the rebuild, resuming at the
     * offset, will not come back to it. Its log is then cleared like every other.
     */
    @Test
    void aDeviceBeingRebuiltHasTheLogOfStripesBelowItsRecoveryOffsetReplayed() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 4, 2, CHUNK, STRIPES, 10)) {
            long s = 1;
            int rebuilding = img.layout.pRole(s);
            List<LoggedBatch.Block> legs = new LoggedBatch(img).log(
                    List.of(new long[] {img.layout.arrayOffsetOf(s, 0), 4096}), new Random(10), new byte[1][]);
            legs.stream().filter(b -> !b.parity()).forEach(b -> put(img, b)); // its parity never landed
            assertEquals(1, img.inconsistentRows());
            long recovered = img.layout.memberOffsetOfStripe(s + 1); // stripe s rebuilt, the rest not

            PplRecovery.Outcome out = new PplRecovery(img.layout, img.ioRebuilding(rebuilding, recovered),
                    img.signature, 512).run(img.areas(), true);

            assertEquals(new PplRecovery.Outcome(1, 0, 0, true), out);
            assertEquals(0, img.inconsistentRows(), "the parity on the device being rebuilt is the XOR of its data");
            assertLogCleared(img);
        }
    }

    /**
     * A data member being rebuilt holds current data below its recovery offset only: a row whose
     * modified data lie there is recovered from it, a row whose modified data lie above it is
     * left alone (ppl_recover_entry takes such a device for missing there; the rebuild recreates
     * those data from the parity).
     */
    @Test
    void aModifiedDataMemberBeingRebuiltServesTheRowsBelowItsRecoveryOffset() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 4, 2, CHUNK, STRIPES, 8)) {
            ParityLayout l = img.layout;
            long s = tornWriteAcrossTwoChunks(img);
            int rebuilding = l.dataRole(s, 0);
            long recovered = l.memberOffsetOfStripe(s) + 3 * 4096; // rows 0-2 of its chunk rebuilt, row 3 not

            PplRecovery.Outcome out = new PplRecovery(l, img.ioRebuilding(rebuilding, recovered), img.signature, 512)
                    .run(img.areas(), true);

            assertEquals(2, out.recoveredEntries(), out.toString());
            assertEquals(1, out.skippedRows(), "row 3 of chunk 0 lies above the recovery offset");
            assertEquals(1, img.inconsistentRows(), "rows 0-2 are recovered, row 3 is left to the rebuild");
        }
    }

    @Test
    void aMemberWithoutAValidHeaderCountsAsAMismatch() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 3, 2, CHUNK, STRIPES, 9)) {
            img.put(1, img.area.start() + 600, new byte[] {1});
            PplRecovery.Outcome out = new PplRecovery(img.layout, img.io(), img.signature, 512).run(img.areas(), true);
            assertEquals(new PplRecovery.Outcome(0, 1, 0, false), out);
            assertLogCleared(img);
        }
    }

    /**
     * A chunk written from the middle of chunk 0 of stripe 2 (rows 0-1 modify data 1 only, rows
     * 2-3 data 0 only), logged, its data landed and its parity not. Returns the stripe.
     */
    private static long tornWriteAcrossTwoChunks(Raid5Images img) throws IOException {
        long s = 2;
        long at = img.layout.arrayOffsetOf(s, 0) + 2 * 4096;
        List<LoggedBatch.Block> legs = new LoggedBatch(img).log(List.of(new long[] {at, CHUNK}), new Random(8),
                new byte[1][]);
        legs.stream().filter(b -> !b.parity()).forEach(b -> put(img, b));
        assertEquals(4, img.inconsistentRows());
        return s;
    }

    /** md's empty log: the header of generation 0 without entries, zeros after it. */
    private static void assertLogCleared(Raid5Images img) throws IOException {
        byte[] empty = new PplHeader(img.signature, 0, List.of()).encode();
        for (int r = 0; r < img.paths.length; r++) {
            byte[] area = img.get(r, img.area.start(), img.area.bytes());
            assertArrayEquals(empty, java.util.Arrays.copyOf(area, PplHeader.BYTES), "role " + r);
            for (int i = PplHeader.BYTES; i < area.length; i++) {
                if (area[i] != 0) {
                    throw new AssertionError("role " + r + ": byte " + i + " of the cleared area is " + area[i]);
                }
            }
        }
        assertFalse(PplHeader.decode(ByteBuffer.wrap(empty)).entries().iterator().hasNext());
    }

    /**
     * Writes of 4 KiB to a whole stripe, 4 KiB aligned, on distinct stripes (the stripe lock
     * keeps two writes of one stripe from being in flight together).
     */
    static List<long[]> randomWrites(ParityLayout l, Random rnd, int count) {
        List<long[]> out = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        long stripeBytes = l.stripeBytes();
        while (out.size() < count) {
            long s = rnd.nextInt((int) l.stripes());
            if (!used.add(s)) {
                continue;
            }
            int blocks = (int) (stripeBytes / 4096);
            int len = rnd.nextInt(4) == 0 ? blocks : 1 + rnd.nextInt(Math.min(blocks, 9));
            int from = rnd.nextInt(blocks - len + 1);
            out.add(new long[] {s * stripeBytes + from * 4096L, len * 4096L});
        }
        return out;
    }

    private static byte[][] memberImages(Raid5Images img) throws IOException {
        byte[][] out = new byte[img.paths.length][];
        for (int r = 0; r < out.length; r++) {
            out[r] = img.get(r, img.dataOffset, (int) img.layout.memberBytesUsed());
        }
        return out;
    }

    private static void put(Raid5Images img, LoggedBatch.Block b) {
        try {
            img.put(b.role(), b.offset(), b.bytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
