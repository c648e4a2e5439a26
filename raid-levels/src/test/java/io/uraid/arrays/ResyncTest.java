package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.spi.Layout;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unclean stops and scrubs on member files through real io_uring. A "power cut" is a copy of
 * the member files taken while the array runs (after a flush); a torn mirror write is made by
 * overwriting one copy in the copy.
 */
@Timeout(120)
class ResyncTest {
    private static final long MEMBER = 34L * MIB;

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"raid1,2", "raid10,4"})
    void uncleanStopResyncsOnlyDirtyChunksThenCheckAndRepairFindTheRest(String level, int disks) throws Exception {
        try (Members files = new Members("rs-" + level, disks, MEMBER)) {
            Redundant.create(files, level, disks, BitmapMode.INTERNAL, MIB);
            List<Path> crashed;
            Layout layout;
            long dataOffset;
            byte[] a = Redundant.pattern(2L * MIB, 65536, 7);
            byte[] b = Redundant.pattern(6L * MIB + 8192, 4096, 7);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                layout = array.layout();
                dataOffset = open.member(0).dataOffset();
                Redundant.write(array, 2L * MIB, a);
                Redundant.write(array, 6L * MIB + 8192, b);
                BlockingIo.flush(array);
                crashed = Redundant.snapshot(files, ".crash");
                assertEquals(0, open.superblock(0).resyncOffset(), "a running array is marked active");
            }
            // The write to chunk 2 landed on one copy only; chunk 12 (clean) rots silently.
            Redundant.corruptCopy(crashed, layout, dataOffset, 2L * MIB, 65536, 1);
            Redundant.corruptCopy(crashed, layout, dataOffset, 12L * MIB, 16384, 1);
            assertEquals(65536 + 16384, Redundant.differingBytes(crashed, layout, dataOffset));

            try (OpenArray open = Redundant.assemble(crashed, 60_000)) {
                Redundancy red = open.redundancy();
                assertTrue(red.awaitSyncIdle(30_000));
                SyncStatus s = red.syncStatus();
                assertEquals(SyncAction.RESYNC, s.lastAction());
                assertTrue(s.lastCompleted());
                assertEquals(2L * MIB, s.totalBytes(), "only the two dirty chunks are resynced");
                assertArrayEquals(a, Redundant.read(open.array(), 2L * MIB, a.length));
                assertArrayEquals(b, Redundant.read(open.array(), 6L * MIB + 8192, b.length));

                assertTrue(red.request(SyncAction.CHECK));
                assertTrue(red.awaitSyncIdle(30_000));
                assertEquals(16384 / 512, red.syncStatus().mismatches(), "check counts the rotten sectors");
                assertEquals(open.array().size(), red.syncStatus().totalBytes());
                assertEquals(16384, Redundant.differingBytes(crashed, layout, dataOffset), "check writes nothing");

                assertTrue(red.request(SyncAction.REPAIR));
                assertTrue(red.awaitSyncIdle(30_000));
                assertEquals(16384 / 512, red.syncStatus().mismatches());
                assertTrue(red.request(SyncAction.CHECK));
                assertTrue(red.awaitSyncIdle(30_000));
                assertEquals(0, red.syncStatus().mismatches(), "repair made the copies agree");
            }
            assertEquals(0, Redundant.differingBytes(crashed, layout, dataOffset));
            try (IoEngine eng = ArrayEndToEndTest.engine(); BlockDevice d = eng.open(crashed.get(0), OpenOptions.DEFAULT)) {
                assertEquals(MdConstants.RESYNC_DONE, Assembler.readSuperblock(eng, d).resyncOffset(),
                        "an orderly stop records the array clean");
            }
            try (OpenArray again = Redundant.assemble(crashed, 60_000)) {
                assertEquals(0, again.redundancy().syncStatus().totalBytes(), "nothing to resync after an orderly stop");
            }
        }
    }

    @Test
    void withoutBitmapAnUncleanStopResyncsEverythingWhileServingIo() throws Exception {
        try (Members files = new Members("rs-full", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.NONE, 0);
            List<Path> crashed;
            Layout layout;
            long dataOffset;
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                layout = open.array().layout();
                dataOffset = open.member(0).dataOffset();
                Redundant.write(open.array(), 0, Redundant.pattern(0, 4096, 1));
                BlockingIo.flush(open.array());
                crashed = Redundant.snapshot(files, ".crash");
            }
            Redundant.corruptCopy(crashed, layout, dataOffset, 20L * MIB, 8192, 1);
            // Slow enough that client I/O runs during the resync.
            RedundancyOptions slow = RedundancyOptions.DEFAULT.withSyncSpeed(8L * MIB, 16L * MIB);
            AssembleOptions o = AssembleOptions.DEFAULT.withRedundancy(slow);
            try (OpenArray open = Assembler.assemble(crashed, o, ArrayEndToEndTest.engine())) {
                RaidArray array = open.array();
                Redundancy red = open.redundancy();
                assertTrue(red.syncStatus().running(), "resync runs in the background");
                assertEquals(array.size(), red.syncStatus().totalBytes(), "no bitmap: the whole array");
                byte[] reference = new byte[(int) array.size()];
                Redundant.read(array, 0, 4096); // reads are served during the resync
                System.arraycopy(Redundant.read(array, 0, (int) array.size()), 0, reference, 0, reference.length);
                ArrayEndToEndTest.writeRandomly(array, reference, 4, 40, 99);
                assertTrue(red.syncStatus().running(), "client writes finished before the resync did");
                assertTrue(red.awaitSyncIdle(60_000));
                assertTrue(red.syncStatus().lastCompleted());
                ArrayEndToEndTest.verifyThroughArray(array, reference);
                assertNotEquals(0, red.syncStatus().bytesPerSecond());
            }
            assertEquals(0, Redundant.differingBytes(crashed, layout, dataOffset), "mirrors agree after the resync");
        }
    }
}
