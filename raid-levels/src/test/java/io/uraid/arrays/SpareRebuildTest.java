package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.Layout;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.nativeio.LoopDevice;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hot spares, rebuild with progress, bitmap-guided re-add, and a spare failing mid-rebuild. */
@Timeout(120)
class SpareRebuildTest {
    private static final long MEMBER = 34L * MIB;

    @Test
    void spareTakesTheFailedRoleAndIsRebuiltWhileServingIo() throws Exception {
        try (Members files = new Members("sp", 2, MEMBER); Members spare = new Members("sp-spare", 1, MEMBER + MIB)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            RedundancyOptions slow = RedundancyOptions.DEFAULT.withSyncSpeed(8L * MIB, 12L * MIB);
            AssembleOptions o = AssembleOptions.DEFAULT.withRedundancy(slow);
            byte[] reference;
            Layout layout;
            long dataOffset;
            try (OpenArray open = Assembler.assemble(files.paths, o, ArrayEndToEndTest.engine())) {
                RaidArray array = open.array();
                layout = array.layout();
                dataOffset = open.member(0).dataOffset();
                reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, 5);
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    open.addSpare(spare.get(0), prep, false);
                }
                Redundancy red = open.redundancy();
                assertEquals(1, red.spareCount());
                assertTrue(array.fail(1));
                long until = System.nanoTime() + 10_000_000_000L;
                while (red.syncStatus().action() != SyncAction.RECOVER && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                SyncStatus during = red.syncStatus();
                assertEquals(SyncAction.RECOVER, during.action(), "the spare is rebuilt at once");
                assertEquals(0, red.spareCount());
                assertEquals(MemberState.REBUILDING, open.member(1).state());
                assertEquals(spare.get(0), open.member(1).device().path());
                assertEquals(array.size(), during.totalBytes());
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 30, 6); // client writes during the rebuild
                assertTrue(red.syncStatus().running(), "the throttled rebuild outlasts the client writes");
                assertTrue(red.syncStatus().doneBytes() < red.syncStatus().totalBytes());
                assertTrue(red.awaitSyncIdle(60_000));
                SyncStatus after = red.syncStatus();
                assertEquals(SyncAction.RECOVER, after.lastAction());
                assertTrue(after.lastCompleted());
                assertTrue(after.bytesPerSecond() <= 13L * MIB, "throttled to the maximum: " + after.bytesPerSecond());
                assertEquals(MemberState.IN_SYNC, open.member(1).state());
                ArrayEndToEndTest.verifyThroughArray(array, reference);
            }
            List<Path> now = List.of(files.get(0), spare.get(0));
            assertEquals(0, Redundant.differingBytes(now, layout, dataOffset), "the rebuilt spare is a full copy");
            List<Path> all = new ArrayList<>(files.paths);
            all.add(spare.get(0));
            try (OpenArray again = Redundant.assemble(all, 60_000)) { // the old member 1 is faulty: left out
                assertEquals(2, again.array().workingCount());
                assertEquals(spare.get(0), again.member(1).device().path());
                ArrayEndToEndTest.verifyThroughArray(again.array(), reference);
            }
            Mdadm.require();
            assertEquals("Active device 1", Mdadm.examine(spare.get(0)).get("Device Role"));
        }
    }

    @Test
    void reAddedMemberRecoversOnlyTheChunksWrittenWhileItWasOut() throws Exception {
        try (Members files = new Members("readd", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            Layout layout;
            long dataOffset;
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                layout = array.layout();
                dataOffset = open.member(0).dataOffset();
                assertTrue(array.fail(1));
                for (long chunk : new long[] {1, 4, 9}) {
                    Redundant.write(array, chunk * MIB, Redundant.pattern(chunk * MIB, 8192, 8));
                }
                BlockingIo.flush(array);
                assertEquals(3, open.redundancy().bitmap().dirtyOnDisk(), "bits stay set while degraded");
                assertEquals(3 * 8192, Redundant.differingBytes(files.paths, layout, dataOffset));
                assertTrue(open.reAdd(1));
                Redundancy red = open.redundancy();
                assertTrue(red.awaitSyncIdle(30_000));
                assertTrue(red.syncStatus().lastCompleted());
                assertEquals(3L * MIB, red.syncStatus().totalBytes(), "only the three dirty chunks");
                assertEquals(MemberState.IN_SYNC, open.member(1).state());
                assertFalse(array.degraded());
            }
            assertEquals(0, Redundant.differingBytes(files.paths, layout, dataOffset));
            try (OpenArray again = Redundant.assemble(files.paths, 60_000)) {
                assertEquals(2, again.array().workingCount(), "the re-added member is active again");
            }
        }
    }

    @Test
    void spareFailingDuringRebuildLeavesTheArrayDegradedAndIntact() throws Exception {
        MemoryMembers mm = new MemoryMembers("spf", 3, 20L * MIB);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assembleFirst(2, AssembleOptions.DEFAULT)) {
            RaidArray array = open.array();
            byte[] data = Redundant.pattern(0, 256 * 1024, 9);
            Redundant.write(array, 0, data);
            mm.faults.add(FaultRule.on(mm.paths.get(2)).writes().afterOps(5));
            try (MemoryEngine prep = new MemoryEngine(64)) {
                prep.attach(mm.paths.get(2), mm.disks[2]);
                open.addSpare(mm.paths.get(2), prep, false);
            }
            assertTrue(array.fail(1));
            Redundancy red = open.redundancy();
            long until = System.nanoTime() + 10_000_000_000L;
            while (red.syncStatus().lastAction() != SyncAction.RECOVER && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertTrue(red.awaitSyncIdle(30_000));
            assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
            assertFalse(red.syncStatus().lastCompleted(), "the rebuild stopped when the spare failed");
            assertEquals(MemberState.FAULTY, open.member(1).state());
            assertEquals(1, array.workingCount());
            assertArrayEquals(data, Redundant.read(array, 0, data.length));
        }
    }

    @Test
    void replaceKeepsTheOldMemberInServiceUntilTheCopyIsCompleteOnLoopDevices() throws Exception {
        LoopDevice.assumeAvailable();
        try (Members files = new Members("repl", 3, MEMBER);
             LoopDevice l0 = LoopDevice.attach(files.get(0), 0);
             LoopDevice l1 = LoopDevice.attach(files.get(1), 0);
             LoopDevice l2 = LoopDevice.attach(files.get(2), 0)) {
            List<Path> members = List.of(l0.path(), l1.path());
            var spec = new io.uraid.core.assembly.CreateSpec("repl", "testhost",
                    io.uraid.core.spi.LevelRegistry.byName("raid1"), 2, 0, -1, members, false, true,
                    BitmapMode.INTERNAL, MIB); // --assume-clean: fresh zero files, no first sync before the replace
            try (IoEngine eng = ArrayEndToEndTest.engine()) {
                io.uraid.core.assembly.ArrayCreator.create(spec, eng);
            }
            RedundancyOptions slow = RedundancyOptions.DEFAULT.withSyncSpeed(8L * MIB, 12L * MIB);
            byte[] reference;
            Layout layout;
            long dataOffset;
            try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT.withRedundancy(slow),
                    ArrayEndToEndTest.engine())) {
                RaidArray array = open.array();
                layout = array.layout();
                dataOffset = open.member(0).dataOffset();
                reference = new byte[(int) array.size()];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 20, 11);
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    assertTrue(open.replace(1, l2.path(), prep, false));
                }
                Redundancy red = open.redundancy();
                assertEquals(SyncAction.RECOVER, red.syncStatus().action());
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 20, 12); // reach both old and new
                assertTrue(red.syncStatus().running());
                assertEquals(l1.path(), open.member(1).device().path(), "the old member serves until the copy is done");
                assertFalse(array.degraded(), "replace never degrades the array");
                assertTrue(red.awaitSyncIdle(60_000));
                assertTrue(red.syncStatus().lastCompleted());
                assertEquals(l2.path(), open.member(1).device().path());
                assertEquals(MemberState.IN_SYNC, open.member(1).state());
                assertFalse(array.degraded());
                ArrayEndToEndTest.verifyThroughArray(array, reference);
            }
            assertEquals(0, Redundant.differingBytes(List.of(files.get(0), files.get(2)), layout, dataOffset));
            try (OpenArray again = Redundant.assemble(List.of(l0.path(), l1.path(), l2.path()), 60_000)) {
                assertEquals(2, again.array().workingCount());
                assertEquals(l2.path(), again.member(1).device().path(), "the replaced member is left out as faulty");
                ArrayEndToEndTest.verifyThroughArray(again.array(), reference);
            }
            Mdadm.require();
            var old = Mdadm.examine(l1.path());
            assertFalse(old.get("Device Role").startsWith("Active device"), "the replaced member's own "
                    + "superblock no longer claims its role: " + old.get("_raw"));
            assertEquals("Active device 1", Mdadm.examine(l2.path()).get("Device Role"));
        }
    }
}
