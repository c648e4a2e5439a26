package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngine;
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
        CreateSpec spec = new CreateSpec("par", "testhost", LevelRegistry.byName(level), disks, chunk, -1,
                files.paths, false, clean, BitmapMode.INTERNAL, 0);
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
            long dataOffset;
            ParityLayout layout;
            byte[] reference;
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                dataOffset = open.member(0).dataOffset();
                layout = ((ParityArrayLayout) array.layout()).parity();
                reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, 7);
                Redundant.write(array, 0, new byte[(int) (8 * layout.stripeBytes())]); // stripes 0..7 known
                System.arraycopy(new byte[(int) (8 * layout.stripeBytes())], 0, reference, 0,
                        (int) (8 * layout.stripeBytes()));
            }
            // Three 4 KiB rows of stripe 5's parity and one of stripe 6's data go wrong behind the array's back.
            corrupt(files.get(layout.pRole(5)), dataOffset + layout.memberOffsetOfStripe(5) + 8192, 3 * 4096);
            corrupt(files.get(layout.dataRole(6, 1)), dataOffset + layout.memberOffsetOfStripe(6), 4096);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                Redundancy red = open.redundancy();
                assertTrue(red.request(SyncAction.CHECK));
                awaitIdle(red);
                assertEquals(4 * 8, red.syncStatus().mismatches(), "four 4 KiB rows: 32 sectors, as md counts");
                assertTrue(red.request(SyncAction.CHECK));
                awaitIdle(red);
                assertEquals(32, red.syncStatus().mismatches(), "check leaves them");
                assertTrue(red.request(SyncAction.REPAIR));
                awaitIdle(red);
                assertEquals(32, red.syncStatus().mismatches(), "repair counts what it rewrites");
                assertTrue(red.request(SyncAction.CHECK));
                awaitIdle(red);
                assertEquals(0, red.syncStatus().mismatches(), "repaired");
                byte[] head = Redundant.read(open.array(), 0, (int) (5 * layout.stripeBytes()));
                assertArrayEquals(java.util.Arrays.copyOf(reference, head.length), head,
                        "data of the stripes whose parity was repaired, as written");
            }
        }
    }

    private static void corrupt(Path file, long at, int len) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[len];
            new java.util.Random(at).nextBytes(junk);
            f.seek(at);
            f.write(junk);
        }
    }
}
