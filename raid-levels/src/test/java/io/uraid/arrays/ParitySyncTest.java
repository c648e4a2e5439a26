package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.HeldReadsEngine;
import io.uraid.levels.ParityArrayLayout;
import io.uraid.levels.parity.ParityLayout;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parity level's sync passes through the window driver: a new raid5 builds its last member;
 * a hot spare takes a failed role and is rebuilt from the parity of the others while clients
 * write (raid6: two, one after the other), and the array then serves every byte without another
 * member; check counts corrupted parity rows as md counts them (8 sectors per 4 KiB row) and
 * leaves them, repair rewrites them, and a second check finds none.
 */
@Timeout(180)
class ParitySyncTest {
    private static final long MEMBER = 20L * MIB;

    private static void create(Members files, String level, int disks, int chunk, boolean clean) throws Exception {
        create(files, level, disks, chunk, clean, BitmapMode.INTERNAL);
    }

    private static void create(Members files, String level, int disks, int chunk, boolean clean, BitmapMode bitmap)
            throws Exception {
        CreateSpec spec = new CreateSpec("par", "testhost", LevelRegistry.byName(level), disks, chunk, -1,
                files.paths, false, clean, bitmap, 0);
        try (IoEngine eng = ArrayEndToEndTest.engine()) {
            ArrayCreator.create(spec, eng);
        }
    }

    private static void awaitIdle(Redundancy red) throws Exception {
        long until = System.nanoTime() + 5_000_000_000L;
        while (!red.syncStatus().running() && red.syncStatus().lastAction() == null && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(red.awaitSyncIdle(120_000));
        assertTrue(red.syncStatus().lastCompleted(), "the pass completed: " + red.syncStatus());
    }

    /**
     * md records a resync stopped cleanly as resync_offset in its resync space, for raid6 the
     * member sectors of stripe rows: uraid's stop writes the rows it finished (not array bytes,
     * which the kernel would read as D times further on), and resumes from them.
     */
    @Test
    void aResyncStoppedCleanlyRecordsResyncOffsetInMemberRowsAndResumesThere() throws Exception {
        try (Members files = new Members("prs", 5, MEMBER)) {
            create(files, "raid6", 5, 32 << 10, false, BitmapMode.NONE); // the first assembly resyncs
            long span;
            long doneBefore;
            io.uraid.core.assembly.AssembleOptions slow = io.uraid.core.assembly.AssembleOptions.DEFAULT.withRedundancy(
                    io.uraid.core.sync.RedundancyOptions.DEFAULT.withSyncSpeed(4L * MIB, 4L * MIB));
            try (OpenArray open = io.uraid.core.assembly.Assembler.assemble(files.paths, slow,
                    ArrayEndToEndTest.engine())) {
                span = open.array().size() / 3;
                Thread.sleep(1500);
                assertEquals(SyncAction.RESYNC, open.redundancy().syncStatus().action());
                doneBefore = open.redundancy().syncStatus().doneBytes();
            }
            long recorded = superblock(files.get(0)).resyncOffset() * 512;
            // A few windows of the lanes may finish between the status read and the stop.
            assertTrue(recorded > 0 && recorded <= span && recorded + (4L << 20) >= doneBefore,
                    "resync_offset " + recorded + " bytes of the member (" + span + " in all), "
                            + doneBefore + " done before the stop, in the same units");
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                io.uraid.core.sync.SyncStatus s = open.redundancy().syncStatus();
                assertEquals(SyncAction.RESYNC, s.action(), "the resync resumes");
                // Never later than recorded; earlier by at most a 1 MiB region of the array (a third of it
                // in member rows) and a stripe, where the resumed pass starts on a whole region.
                long owed = span - recorded;
                assertTrue(s.totalBytes() >= owed - 1 && s.totalBytes() <= owed + (1 << 20) / 3 + (32 << 10) + 1,
                        "from resync_offset on: " + s.totalBytes() + " of " + span + ", " + owed + " owed");
                awaitIdle(open.redundancy());
                assertEquals(0, pass(open.redundancy(), SyncAction.CHECK), "every stripe's parity right after it");
            }
        }
    }

    private static io.uraid.core.sb.MdSuperblock superblock(Path member) throws Exception {
        byte[] b = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(4096);
            f.readFully(b);
        }
        return io.uraid.core.sb.MdSuperblock.decode(java.nio.ByteBuffer.wrap(b));
    }

    /** Runs {@code action} to its end; the mismatch count it leaves. */
    private static long pass(Redundancy red, SyncAction action) throws Exception {
        assertTrue(red.request(action));
        awaitIdle(red);
        return red.syncStatus().mismatches();
    }

    private static void rebuildOntoSpare(OpenArray open, byte[] reference, int role, Path spare, long seed)
            throws Exception {
        RaidArray array = open.array();
        try (IoEngine prep = ArrayEndToEndTest.engine()) {
            open.addSpare(spare, prep, false);
        }
        assertTrue(array.fail(role));
        ArrayEndToEndTest.writeRandomly(array, reference, 2, 20, seed); // while the spare is rebuilt
        Redundancy red = open.redundancy();
        awaitIdle(red);
        assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
        assertEquals(array.size() / ((ParityArrayLayout) array.layout()).parity().dataDisks(),
                red.syncStatus().totalBytes(), "md counts a recovery in bytes of the member");
        assertEquals(MemberState.IN_SYNC, open.member(role).state());
        assertEquals(spare, open.member(role).device().path());
    }

    @Test
    void aNewRaid5BuildsItsLastMemberAndSparesRebuildFailedRolesFromParity() throws Exception {
        try (Members files = new Members("p5", 4, MEMBER); Members spares = new Members("p5s", 1, MEMBER)) {
            create(files, "raid5", 4, 64 << 10, false);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                awaitIdle(open.redundancy()); // md's initial build: a recovery onto the last member
                assertEquals(MemberState.IN_SYNC, open.member(3).state());
                byte[] reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, 1);
                rebuildOntoSpare(open, reference, 1, spares.get(0), 2);
                assertTrue(array.fail(2), "with the rebuilt member in, another may go");
                ArrayEndToEndTest.verifyThroughArray(array, reference);
            }
        }
    }

    @Test
    void raid6RebuildsTwoFailedRolesOneAfterTheOther() throws Exception {
        try (Members files = new Members("p6", 5, MEMBER); Members spares = new Members("p6s", 2, MEMBER)) {
            create(files, "raid6", 5, 32 << 10, true);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                byte[] reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, 3);
                rebuildOntoSpare(open, reference, 0, spares.get(0), 4);
                rebuildOntoSpare(open, reference, 3, spares.get(1), 5);
                assertTrue(array.fail(1));
                assertTrue(array.fail(4));
                ArrayEndToEndTest.verifyThroughArray(array, reference);
            }
        }
    }

    @Test
    void checkCountsCorruptedParityRowsAndRepairRewritesThem() throws Exception {
        int chunk = 64 << 10;
        try (Members files = new Members("pc", 4, MEMBER)) {
            create(files, "raid5", 4, chunk, true);
            Written w = written(files, 7, (array, layout, reference) -> {
                Redundant.write(array, 0, new byte[(int) (8 * layout.stripeBytes())]); // stripes 0..7 known
                System.arraycopy(new byte[(int) (8 * layout.stripeBytes())], 0, reference, 0,
                        (int) (8 * layout.stripeBytes()));
            });
            long dataOffset = w.dataOffset();
            ParityLayout layout = w.layout();
            byte[] reference = w.reference();
            // Three 4 KiB rows of stripe 5's parity and one of stripe 6's data go wrong behind the array's back.
            corrupt(files.get(layout.pRole(5)), dataOffset + layout.memberOffsetOfStripe(5) + 8192, 3 * 4096);
            corrupt(files.get(layout.dataRole(6, 1)), dataOffset + layout.memberOffsetOfStripe(6), 4096);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                Redundancy red = open.redundancy();
                assertEquals(4 * 8, pass(red, SyncAction.CHECK), "four 4 KiB rows: 32 sectors, as md counts");
                assertEquals(open.array().size() / 3, red.syncStatus().totalBytes(),
                        "md counts a raid5 pass in bytes of the member (mdstat's KiB, sync_completed's sectors)");
                assertEquals(red.syncStatus().totalBytes(), red.syncStatus().doneBytes());
                assertEquals(32, pass(red, SyncAction.CHECK), "check leaves them");
                assertEquals(32, pass(red, SyncAction.REPAIR), "repair counts what it rewrites");
                assertEquals(0, pass(red, SyncAction.CHECK), "repaired");
                byte[] head = Redundant.read(open.array(), 0, (int) (5 * layout.stripeBytes()));
                assertArrayEquals(java.util.Arrays.copyOf(reference, head.length), head,
                        "data of the stripes whose parity was repaired, as written");
            }
        }
    }

    /**
     * md (6.1, in user-mode Linux) checks a raid6 missing one member from the parity left: a lost
     * data chunk is rebuilt from P, so Q is what is compared; a lost P leaves Q, a lost Q leaves P.
     * Corrupted rows of each case are counted 8 sectors each, repair rewrites the parity left, a
     * second check finds none; a raid5 missing one has nothing to compare and counts nothing.
     */
    @Test
    void aRaid6MissingOneMemberIsCheckedAndRepairedFromTheParityLeft() throws Exception {
        int chunk = 32 << 10;
        int gone = 1;
        try (Members files = new Members("pd6", 5, MEMBER)) {
            // No bitmap: the bits the failure leaves set would start a resync (which repairs) at assembly.
            create(files, "raid6", 5, chunk, true, BitmapMode.NONE);
            Written w = written(files, 11, (array, layout, reference) -> assertTrue(array.fail(gone)));
            long dataOffset = w.dataOffset();
            ParityLayout layout = w.layout();
            byte[] reference = w.reference();
            long lostQ = stripeWhere(layout, s -> layout.qRole(s) == gone);
            long lostP = stripeWhere(layout, s -> layout.pRole(s) == gone);
            long lostData = stripeWhere(layout, s -> layout.pRole(s) != gone && layout.qRole(s) != gone);
            int dataOfLostQ = layout.dataRole(lostQ, 0) == gone ? layout.dataRole(lostQ, 1) : layout.dataRole(lostQ, 0);
            // stripe missing Q: a P row and a data row (P is checked)
            corrupt(files.get(layout.pRole(lostQ)), dataOffset + layout.memberOffsetOfStripe(lostQ), 4096);
            corrupt(files.get(dataOfLostQ), dataOffset + layout.memberOffsetOfStripe(lostQ) + 3 * 4096, 4096);
            // stripe missing P: two Q rows (Q is checked)
            corrupt(files.get(layout.qRole(lostP)), dataOffset + layout.memberOffsetOfStripe(lostP) + 4096, 2 * 4096);
            // stripe missing a data chunk: a Q row, and a P row (the lost data rebuilt from it disagrees with Q)
            corrupt(files.get(layout.qRole(lostData)), dataOffset + layout.memberOffsetOfStripe(lostData), 4096);
            corrupt(files.get(layout.pRole(lostData)), dataOffset + layout.memberOffsetOfStripe(lostData) + 5 * 4096,
                    4096);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                assertEquals(4, open.array().workingCount(), "the failed member stays out");
                Redundancy red = open.redundancy();
                assertEquals(6 * 8, pass(red, SyncAction.CHECK), "six 4 KiB rows the parity left sees wrong");
                assertEquals(6 * 8, pass(red, SyncAction.REPAIR), "repair counts what it rewrites");
                assertEquals(0, pass(red, SyncAction.CHECK), "repaired");
                int len = (int) layout.stripeBytes();
                byte[] got = Redundant.read(open.array(), lostP * len, len);
                assertArrayEquals(java.util.Arrays.copyOfRange(reference, (int) (lostP * len), (int) (lostP * len) + len),
                        got, "stripe " + lostP + " (P missing): its data as written, Q repaired");
            }
        }
    }

    @Test
    void aRaid5MissingOneMemberHasNothingToCheckAndCountsNothing() throws Exception {
        int chunk = 64 << 10;
        try (Members files = new Members("pd5", 4, MEMBER)) {
            create(files, "raid5", 4, chunk, true, BitmapMode.NONE);
            Written w = written(files, 13, (array, layout, reference) -> assertTrue(array.fail(3)));
            long dataOffset = w.dataOffset();
            ParityLayout layout = w.layout();
            long s = stripeWhere(layout, x -> layout.pRole(x) != 3);
            corrupt(files.get(layout.pRole(s)), dataOffset + layout.memberOffsetOfStripe(s), 4096);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                Redundancy red = open.redundancy();
                for (SyncAction a : new SyncAction[] {SyncAction.CHECK, SyncAction.REPAIR}) {
                    assertEquals(0, pass(red, a), a + " of a raid5 missing one, as md");
                }
            }
        }
    }

    /** What {@link #written} leaves: the members' data offset, the parity layout, the array's bytes. */
    private record Written(long dataOffset, ParityLayout layout, byte[] reference) {
    }

    private interface Then {
        void run(RaidArray array, ParityLayout layout, byte[] reference) throws Exception;
    }

    /**
     * A repair of a raid6 missing one member compares each row with what the parity left gives;
     * when another member fails while a window's reads are out, nothing the repair writes is
     * computed from rows it did not read: the array then serves every byte without both.
     */
    @Test
    void aRepairWindowUsesTheRowsItReadWhenAnotherMemberFailsDuringItsReads() throws Exception {
        try (Members files = new Members("pr6", 5, MEMBER)) {
            create(files, "raid6", 5, 32 << 10, true);
            AssembleOptions o = AssembleOptions.DEFAULT.withRun(true);
            HeldReadsEngine held = new HeldReadsEngine(ArrayEndToEndTest.engine());
            try (OpenArray open = Assembler.assemble(files.paths, o, held)) {
                RaidArray array = open.array();
                byte[] reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 40, 21);
                assertTrue(array.fail(0));
                held.hold(files.get(1));
                Redundancy red = open.redundancy();
                assertTrue(red.request(SyncAction.REPAIR));
                long until = System.nanoTime() + 10_000_000_000L;
                while (held.heldCount() == 0 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertTrue(held.heldCount() > 0, "a window reads role 1");
                assertTrue(array.fail(2), "raid6 may lose a second member");
                held.release(files.get(1));
                array.callOnDispatcher(() -> null); // wakes the dispatcher to reap what was held
                assertTrue(red.awaitSyncIdle(120_000));
                ArrayEndToEndTest.verifyThroughArray(array, reference);
            }
        }
    }

    /** Assembles the array, writes it at random places (seed {@code seed}), runs {@code then}, stops it. */
    private static Written written(Members files, long seed, Then then) throws Exception {
        try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
            RaidArray array = open.array();
            ParityLayout layout = ((ParityArrayLayout) array.layout()).parity();
            byte[] reference = new byte[(int) array.size()];
            ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, seed);
            then.run(array, layout, reference);
            return new Written(open.member(0).dataOffset(), layout, reference);
        }
    }

    /** The first stripe past the first eight for which {@code test} holds. */
    private static long stripeWhere(ParityLayout layout, java.util.function.LongPredicate test) {
        for (long s = 8; ; s++) {
            if (test.test(s)) {
                return s;
            }
        }
    }

    private static void corrupt(Path file, long at, int len) throws Exception {
        io.uraid.io.testing.Junk.overwrite(file, at, len);
    }
}
