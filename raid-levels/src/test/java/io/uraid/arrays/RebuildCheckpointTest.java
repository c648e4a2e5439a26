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
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.assembly.Assembler;
import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.testing.ForwardingEngine;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * md's recovery_offset on in-memory disks with volatile write caches: a power cut in the middle
 * of a rebuild leaves a checkpoint that claims only durable copies, the spare's superblock names
 * its role from the moment it took it, and the next assembly resumes at the checkpoint.
 */
@Timeout(120)
class RebuildCheckpointTest {
    private static final long MEMBER = 20L * MIB;
    /**
     * Slow enough that checkpoints (one a second) are at most 8 MiB apart (a second's credit
     * plus a second's progress), so one falls between MEMBER / 4 and the end of the member
     * however the host schedules the rebuild.
     */
    private static final RedundancyOptions SLOW = RedundancyOptions.DEFAULT.withSyncSpeed(2L * MIB, 4L * MIB);

    /** Disks durable at a power cut during the rebuild of role 1 onto the spare (the last disk). */
    private record Cut(MemoryMembers members, int spare, byte[] data, long dataOffset, boolean replace) {
        MemoryDisk spareDisk() {
            return members.disks[spare];
        }
    }

    @Test
    void raid1PowerCutMidRebuildResumesFromADurableCheckpoint() throws Exception {
        Cut cut = cutDuringRebuild("raid1", 2, false, offset -> offset >= MEMBER / 4);
        long size = cut.data().length;
        long resumeAt = checkpointOf(cut);
        assertTrue(resumeAt >= MEMBER / 4 && resumeAt < size, "recovery offset " + resumeAt + " of " + size);
        assertArrayEquals(Arrays.copyOf(cut.data(), (int) resumeAt),
                cut.spareDisk().bytes(cut.dataOffset(), (int) resumeAt),
                "every byte below the checkpoint was durable on the rebuilt member at the cut");
        long copied = resume(cut);
        assertEquals(size - resumeAt, copied, "resumed at the checkpoint, not from zero");
        assertArrayEquals(cut.data(), cut.spareDisk().bytes(cut.dataOffset(), (int) size), "a full copy");
    }

    /** Three disks: every member holds both copy indexes; four: role 1 holds only second copies. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {3, 4})
    void raid10PowerCutMidRebuildResumesFromADurableCheckpoint(int disks) throws Exception {
        Cut cut = cutDuringRebuild("raid10", disks, false, offset -> offset >= MEMBER / 4);
        long size = cut.data().length;
        long onMember = size * 2 / disks; // n2: each member holds 2/disks of the array
        long resumeAt = checkpointOf(cut);
        assertTrue(resumeAt >= MEMBER / 4 && resumeAt < onMember, "recovery offset " + resumeAt);
        byte[] below = cut.spareDisk().bytes(cut.dataOffset(), (int) resumeAt);
        long copied = resume(cut);
        assertTrue(copied > 0 && copied <= onMember - resumeAt, "copied " + copied + " of " + onMember
                + " bytes on the member, resumed at " + resumeAt);
        assertArrayEquals(below, cut.spareDisk().bytes(cut.dataOffset(), (int) resumeAt),
                "the part below the checkpoint was complete at the cut (the resumed pass did not touch it "
                        + "and the check found no mismatch)");
    }

    /** raid5 over three, raid6 over four: role 1 holds data and parity rows; checkpoints count whole rows. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"raid5,3,false", "raid6,4,false", "raid5,3,true"})
    void parityPowerCutMidRebuildResumesFromAWholeRowCheckpoint(String level, int disks, boolean replace)
            throws Exception {
        Cut cut = cutDuringRebuild(level, disks, replace, offset -> offset >= MEMBER / 8);
        long onMember = cut.data().length / (disks - (level.equals("raid6") ? 2 : 1));
        long resumeAt = checkpointOf(cut);
        assertTrue(resumeAt >= MEMBER / 8 && resumeAt < onMember, "recovery offset " + resumeAt + " of " + onMember);
        assertEquals(0, resumeAt % (64 * 1024), "a checkpoint covers whole stripe rows (64 KiB chunks)");
        byte[] below = cut.spareDisk().bytes(cut.dataOffset(), (int) resumeAt);
        AssembleOptions options = AssembleOptions.DEFAULT;
        if (!replace) { // cut while active with a member not in sync: md's "cannot start dirty degraded array"
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> cut.members().assemble(AssembleOptions.DEFAULT).close());
            assertTrue(refused.getMessage().contains("is dirty and degraded"), refused.getMessage());
            options = options.withForce(true);
        }
        long copied = resume(cut, options);
        assertEquals(onMember - resumeAt, copied, "resumed at the checkpoint, not from zero");
        assertArrayEquals(below, cut.spareDisk().bytes(cut.dataOffset(), (int) resumeAt),
                "the rows below the checkpoint were complete at the cut (the check found no mismatch)");
    }

    @Test
    void spareThatTookARoleIsRecordedInItAtOnce() throws Exception {
        Cut cut = cutDuringRebuild("raid1", 2, false, offset -> offset >= 0);
        MdSuperblock spare = superblock(cut.spareDisk());
        MdSuperblock survivor = superblock(cut.members().disks[0]);
        MdSuperblock failed = superblock(cut.members().disks[1]);
        assertEquals(1, spare.devRole(spare.devNumber()), "its own superblock names role 1");
        assertEquals(1, survivor.devRole(spare.devNumber()), "so does the survivor's");
        assertEquals(MdConstants.ROLE_FAULTY, survivor.devRole(failed.devNumber()), "the failed member is faulty");
        assertEquals(survivor.events(), spare.events());
        long resumeAt = checkpointOf(cut);
        long copied = resume(cut);
        assertEquals(cut.data().length - resumeAt, copied);
        assertArrayEquals(cut.data(), cut.spareDisk().bytes(cut.dataOffset(), cut.data().length));
    }

    @Test
    void replacementCutShortResumesItsCopyAndThenTakesTheRole() throws Exception {
        Cut cut = cutDuringRebuild("raid1", 2, true, offset -> offset >= MEMBER / 4);
        MdSuperblock rep = superblock(cut.spareDisk());
        assertTrue(rep.hasFeature(MdConstants.FEATURE_REPLACEMENT), "feature_map " + rep.featureMap());
        assertEquals(1, rep.devRole(rep.devNumber()));
        MdSuperblock survivor = superblock(cut.members().disks[0]);
        assertEquals(1, survivor.devRole(rep.devNumber()), "the tables list the replacement in role 1 too");
        assertEquals(1, survivor.devRole(superblock(cut.members().disks[1]).devNumber()), "beside the member");
        long resumeAt = checkpointOf(cut);
        assertTrue(resumeAt >= MEMBER / 4 && resumeAt < cut.data().length, "recovery offset " + resumeAt);
        Mdadm.require();
        Path image = java.nio.file.Files.createTempFile("uraid-replacement", ".img");
        try {
            java.nio.file.Files.write(image, cut.spareDisk().durableBytes(0, (int) MEMBER));
            Map<String, String> ex = Mdadm.examine(image);
            assertEquals("Replacement device 1", ex.get("Device Role"), ex.get("_raw"));
            assertEquals(resumeAt / 512 + " sectors", ex.get("Recovery Offset"), ex.get("_raw"));
        } finally {
            java.nio.file.Files.delete(image);
        }
        assertEquals(cut.data().length - resumeAt, resume(cut));
        assertArrayEquals(cut.data(), cut.spareDisk().bytes(cut.dataOffset(), cut.data().length));
        MdSuperblock after = superblock(cut.spareDisk());
        assertFalse(after.hasFeature(MdConstants.FEATURE_REPLACEMENT), "it is the member now");
        assertEquals(MdConstants.ROLE_FAULTY, after.devRole(superblock(cut.members().disks[1]).devNumber()),
                "the replaced member is faulty");
    }

    /**
     * Creates {@code level} on {@code disks} in-memory disks, fills it, adds a spare and fails
     * role 1 (or, with {@code replace}, starts replacing role 1 with it), and takes the durable
     * images at the first instant the spare's superblock records a recovery offset that
     * {@code when} accepts (see {@link PowerCutAt}).
     */
    private static Cut cutDuringRebuild(String level, int disks, boolean replace, LongPredicate when)
            throws Exception {
        MemoryMembers mm = new MemoryMembers("ckp-" + level, disks + 1, MEMBER);
        mm.create(level, disks, BitmapMode.INTERNAL, MIB);
        PowerCutAt cutter = new PowerCutAt(mm, disks, when);
        try (OpenArray open = Assembler.assemble(mm.paths.subList(0, disks),
                AssembleOptions.DEFAULT.withRedundancy(SLOW).withRun(true), cutter)) {
            cutter.redundancy = open.redundancy();
            RaidArray array = open.array();
            byte[] data = Redundant.pattern(0, (int) array.size(), 41);
            Redundant.write(array, 0, data);
            BlockingIo.flush(array);
            try (MemoryEngine prep = new MemoryEngine(64)) {
                prep.attach(mm.paths.get(disks), mm.disks[disks]);
                if (replace) {
                    assertTrue(open.replace(1, mm.paths.get(disks), prep, false));
                } else {
                    open.addSpare(mm.paths.get(disks), prep, false);
                    assertTrue(array.fail(1));
                }
            }
            PowerCutAt.Taken taken = cutter.cut.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(SyncAction.RECOVER, taken.action(), "still rebuilding at the cut");
            return new Cut(taken.disks(), disks, data, open.member(0).dataOffset(), replace);
        }
    }

    /**
     * Cuts the power at an instant: on the array's dispatcher thread, right after the engine has
     * carried out a batch that wrote the spare's superblock, once that superblock is durable
     * with a recovery offset {@code when} accepts. Nothing else touches the disks meanwhile, so
     * every disk's durable image is taken at that same instant, and so is the sync action.
     */
    private static final class PowerCutAt extends ForwardingEngine {
        record Taken(MemoryMembers disks, SyncAction action) {
        }

        private final MemoryMembers members;
        private final MemoryDisk spare;
        private final Path sparePath;
        private final LongPredicate when;
        /** Set once the array runs; no cut before. */
        volatile Redundancy redundancy;
        final java.util.concurrent.CompletableFuture<Taken> cut = new java.util.concurrent.CompletableFuture<>();
        private boolean spareSuperblockWritten;

        PowerCutAt(MemoryMembers members, int spare, LongPredicate when) {
            super(members.engine());
            this.members = members;
            this.spare = members.disks[spare];
            this.sparePath = members.paths.get(spare);
            this.when = when;
        }

        @Override
        public boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData,
                                 int flags) {
            boolean ok = inner.prepWrite(device, offset, address, length, userData, flags);
            spareSuperblockWritten |= ok && offset == 8 * 512 && device.path().equals(sparePath);
            return ok;
        }

        @Override
        public int submit() {
            boolean carriedOut = takeWritten();
            int n = inner.submit();
            maybeCut(carriedOut);
            return n;
        }

        @Override
        public int reap(int minComplete, CompletionHandler handler) {
            boolean carriedOut = takeWritten();
            int n = inner.reap(minComplete, handler); // the memory engine carries out what is prepared first
            maybeCut(carriedOut);
            return n;
        }

        /** Whether a write of the spare's superblock was prepared (the next submit carries it out). */
        private boolean takeWritten() {
            boolean w = spareSuperblockWritten;
            spareSuperblockWritten = false; // what completions prepare now waits for the next call
            return w;
        }

        private void maybeCut(boolean spareSuperblockCarriedOut) {
            if (!spareSuperblockCarriedOut || redundancy == null || cut.isDone()) {
                return;
            }
            if (when.test(durableRecoveryOffset(spare))) {
                cut.complete(new Taken(members.powerCutCopy(), redundancy.syncStatus().action()));
            }
        }
    }

    /** Assembles the cut disks, lets the rebuild finish, checks the copies; returns the bytes it copied. */
    private static long resume(Cut cut) throws Exception {
        return resume(cut, AssembleOptions.DEFAULT);
    }

    private static long resume(Cut cut, AssembleOptions options) throws Exception {
        try (OpenArray again = cut.members().assemble(options)) {
            if (cut.replace()) {
                assertEquals(MemberState.IN_SYNC, again.member(1).state(), "the member in service stays in service");
                assertEquals(cut.members().paths.get(1), again.member(1).device().path());
                assertFalse(again.array().degraded());
            } else {
                assertEquals(MemberState.REBUILDING, again.member(1).state(), "taken back as the member being rebuilt");
            }
            Redundancy red = again.redundancy();
            assertTrue(red.awaitSyncIdle(60_000));
            assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
            assertTrue(red.syncStatus().lastCompleted());
            long copied = red.sync().copiedBytes();
            assertEquals(MemberState.IN_SYNC, again.member(1).state());
            assertEquals(cut.members().paths.get(cut.spare()), again.member(1).device().path());
            assertTrue(red.request(SyncAction.CHECK));
            assertTrue(red.awaitSyncIdle(60_000));
            assertEquals(0, red.syncStatus().mismatches(), "every copy agrees after the resumed rebuild");
            assertArrayEquals(cut.data(), Redundant.read(again.array(), 0, cut.data().length));
            assertFalse(superblock(cut.spareDisk()).hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET),
                    "promoted: no recovery offset left");
            return copied;
        }
    }

    private static long checkpointOf(Cut cut) {
        MdSuperblock sb = superblock(cut.spareDisk());
        assertTrue(sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET), "feature_map " + sb.featureMap());
        return sb.recoveryOffset() * 512;
    }

    private static MdSuperblock superblock(MemoryDisk d) {
        return MdSuperblock.decode(ByteBuffer.wrap(d.durableBytes(4096, MdConstants.SUPERBLOCK_BYTES)));
    }

    /** The recovery offset (bytes) the disk's durable superblock records, -1 without one. */
    private static long durableRecoveryOffset(MemoryDisk d) {
        byte[] b = d.durableBytes(4096, MdConstants.SUPERBLOCK_BYTES);
        if (!MdSuperblock.isV1(ByteBuffer.wrap(b))) {
            return -1;
        }
        MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(b));
        return sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET) ? sb.recoveryOffset() * 512 : -1;
    }
}
