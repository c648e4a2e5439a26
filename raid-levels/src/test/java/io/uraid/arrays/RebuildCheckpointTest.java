package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * md's recovery_offset on in-memory disks with volatile write caches: a power cut in the middle
 * of a rebuild leaves a checkpoint that claims only durable copies, and the next assembly
 * resumes there.
 */
@Timeout(120)
class RebuildCheckpointTest {
    private static final long MEMBER = 20L * MIB;
    static final RedundancyOptions SLOW = RedundancyOptions.DEFAULT.withSyncSpeed(4L * MIB, 8L * MIB);

    @Test
    void powerCutMidRebuildResumesFromADurableCheckpoint() throws Exception {
        MemoryMembers mm = new MemoryMembers("ckp", 3, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        byte[] data;
        MemoryMembers cut;
        long size;
        long dataOffset;
        try (OpenArray open = mm.assembleFirst(2, AssembleOptions.DEFAULT.withRedundancy(SLOW))) {
            RaidArray array = open.array();
            size = array.size();
            dataOffset = open.member(0).dataOffset();
            data = Redundant.pattern(0, (int) size, 41);
            Redundant.write(array, 0, data);
            BlockingIo.flush(array);
            try (MemoryEngine prep = new MemoryEngine(64)) {
                prep.attach(mm.paths.get(2), mm.disks[2]);
                open.addSpare(mm.paths.get(2), prep, false);
            }
            assertTrue(array.fail(1));
            Redundancy red = open.redundancy();
            long until = System.nanoTime() + 30_000_000_000L;
            while (durableRecoveryOffset(mm.disks[2]) < size / 4 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(SyncAction.RECOVER, red.syncStatus().action(), "still rebuilding at the cut");
            cut = mm.powerCutCopy();
        }

        MdSuperblock sb = superblock(cut.disks[2]);
        assertTrue(sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET), "feature_map " + sb.featureMap());
        assertEquals(1, sb.devRole(sb.devNumber()), "the spare's own superblock names it in role 1");
        long resumeAt = sb.recoveryOffset() * 512;
        assertTrue(resumeAt >= size / 4 && resumeAt < size, "recovery offset " + resumeAt + " of " + size);
        assertArrayEquals(Arrays.copyOf(data, (int) resumeAt), cut.disks[2].bytes(dataOffset, (int) resumeAt),
                "every byte below the checkpoint was durable on the rebuilt member at the cut");
        assertEquals(1, superblock(cut.disks[0]).devRole(sb.devNumber()), "the survivor's table names it too");

        try (OpenArray again = cut.assemble(AssembleOptions.DEFAULT)) {
            assertEquals(MemberState.REBUILDING, again.member(1).state());
            assertEquals(cut.paths.get(2), again.member(1).device().path());
            Redundancy red = again.redundancy();
            assertTrue(red.awaitSyncIdle(60_000));
            assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
            assertTrue(red.syncStatus().lastCompleted());
            assertEquals(size - resumeAt, red.sync().copiedBytes(), "resumed at the checkpoint, not from zero");
            assertEquals(MemberState.IN_SYNC, again.member(1).state());
            assertArrayEquals(data, Redundant.read(again.array(), 0, (int) size));
        }
        assertArrayEquals(data, cut.disks[2].bytes(dataOffset, (int) size), "the rebuilt member is a full copy");
        MdSuperblock done = superblock(cut.disks[2]);
        assertTrue(!done.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET), "in sync: no recovery offset left");
    }

    private static MdSuperblock superblock(MemoryDisk d) {
        return MdSuperblock.decode(ByteBuffer.wrap(d.durableBytes(4096, MdConstants.SUPERBLOCK_BYTES)));
    }

    /** The recovery offset (bytes) the disk's durable superblock records, 0 without one. */
    private static long durableRecoveryOffset(MemoryDisk d) {
        byte[] b = d.durableBytes(4096, MdConstants.SUPERBLOCK_BYTES);
        if (!MdSuperblock.isV1(ByteBuffer.wrap(b))) {
            return 0;
        }
        MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(b));
        return sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET) ? sb.recoveryOffset() * 512 : 0;
    }
}
