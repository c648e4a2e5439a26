package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.spi.Layout;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.testing.FaultRule;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Error paths of the redundancy features on in-memory members with injected faults: read
 * errors corrected from a good copy, a member that keeps failing, the last good copy, and leg
 * errors during resync and check.
 */
@Timeout(120)
class FaultsTest {
    private static final long MEMBER = 20L * MIB;

    private static byte[] memberBytes(MemoryMembers mm, OpenArray open, long arrayOffset, int copy, int length) {
        Layout l = open.array().layout();
        int role = l.member(arrayOffset, copy);
        return mm.disks[role].bytes(open.member(role).dataOffset() + l.memberOffset(arrayOffset, copy), length);
    }

    @Test
    void readErrorIsServedFromTheOtherCopyAndRewritten() throws Exception {
        MemoryMembers mm = new MemoryMembers("rd", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            RaidArray array = open.array();
            byte[] data = Redundant.pattern(MIB, 16384, 1);
            Redundant.write(array, MIB, data);
            long at = open.member(0).dataOffset() + MIB;
            mm.disks[0].put(at, new byte[16384]); // the sectors rot on member 0...
            FaultRule bad = mm.faults.add(FaultRule.on(mm.paths.get(0)).reads().range(at, 16384)); // ...and fail to read
            assertArrayEquals(data, Redundant.read(array, MIB, 16384), "served from member 1");
            mm.faults.remove(bad);
            assertTrue(bad.injected() > 0);
            assertArrayEquals(data, memberBytes(mm, open, MIB, 0, 16384), "the bad copy was rewritten");
            assertEquals(MemberState.IN_SYNC, open.member(0).state(), "one corrected error does not fail a member");
            assertEquals(1, open.member(0).readErrors());
        }
    }

    @Test
    void memberThatKeepsFailingReadsIsFailed() throws Exception {
        MemoryMembers mm = new MemoryMembers("rdx", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            RaidArray array = open.array();
            array.setReadErrorLimit(3);
            byte[] data = Redundant.pattern(0, 8 * 4096, 2);
            Redundant.write(array, 0, data);
            mm.faults.add(FaultRule.on(mm.paths.get(0)).reads());
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(Redundant.pattern(i * 4096L, 4096, 2), Redundant.read(array, i * 4096L, 4096));
            }
            assertEquals(MemberState.FAULTY, open.member(0).state(), "failed after more than 3 read errors");
            assertEquals(4, open.member(0).readErrors());
            assertEquals(MdConstants.ROLE_FAULTY, open.superblock(1).devRole(open.superblock(0).devNumber()),
                    "the survivor's superblock records the failure");
        }
    }

    @Test
    void lastGoodCopyIsNeverFailed() throws Exception {
        MemoryMembers mm = new MemoryMembers("last", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            RaidArray array = open.array();
            Redundant.write(array, 0, Redundant.pattern(0, 8192, 3));
            assertTrue(array.fail(0));
            mm.faults.add(FaultRule.on(mm.paths.get(1)).reads().range(open.member(1).dataOffset(), 4096));
            assertThrows(IOException.class, () -> Redundant.read(array, 0, 4096), "no copy can be read");
            assertEquals(MemberState.IN_SYNC, open.member(1).state(), "md never fails the last copy");
            assertArrayEquals(Redundant.pattern(4096, 4096, 3), Redundant.read(array, 4096, 4096));
        }
    }

    @Test
    void resyncSurvivesReadErrorsOnItsSourceAndWriteErrorsOnItsTarget() throws Exception {
        MemoryMembers mm = new MemoryMembers("rsf", 3, MEMBER);
        mm.create("raid1", 3, BitmapMode.INTERNAL, MIB);
        byte[] data = Redundant.pattern(3L * MIB, 65536, 4);
        MemoryMembers crashed;
        long dataOffset;
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            dataOffset = open.member(0).dataOffset();
            Redundant.write(open.array(), 3L * MIB, data);
            BlockingIo.flush(open.array());
            crashed = mm.powerCutCopy();
        }
        // Member 0 (the resync's first source) cannot read chunk 3; member 2 cannot be written there.
        FaultRule[] rules = {
            FaultRule.on(crashed.paths.get(0)).reads().range(dataOffset + 3L * MIB, MIB),
            FaultRule.on(crashed.paths.get(2)).writes().range(dataOffset + 3L * MIB, MIB)};
        try (OpenArray open = crashed.assemble(AssembleOptions.DEFAULT, rules)) {
            Redundancy red = open.redundancy();
            assertTrue(red.awaitSyncIdle(30_000));
            assertTrue(red.syncStatus().lastCompleted());
            assertEquals(SyncAction.RESYNC, red.syncStatus().lastAction());
            assertEquals(MemberState.FAULTY, open.member(0).state());
            assertEquals(MemberState.FAULTY, open.member(2).state());
            assertEquals(MemberState.IN_SYNC, open.member(1).state());
            assertArrayEquals(data, Redundant.read(open.array(), 3L * MIB, data.length));
        }
    }

    @Test
    void checkSkipsARangeNoCopyCanReadWithoutFailingTheLastCopy() throws Exception {
        MemoryMembers mm = new MemoryMembers("chk", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            long at = open.member(0).dataOffset() + 5L * MIB;
            mm.faults.add(FaultRule.on(mm.paths.get(0)).reads().range(at, 4096));
            mm.faults.add(FaultRule.on(mm.paths.get(1)).reads().range(at, 4096));
            Redundancy red = open.redundancy();
            assertTrue(red.request(SyncAction.CHECK));
            assertTrue(red.awaitSyncIdle(30_000));
            assertTrue(red.syncStatus().lastCompleted());
            assertEquals(1, open.array().workingCount(), "the first copy that failed to read was failed");
            assertTrue(open.member(0).state() == MemberState.FAULTY ^ open.member(1).state() == MemberState.FAULTY);
        }
    }
}
