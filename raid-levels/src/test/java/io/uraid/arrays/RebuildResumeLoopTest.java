package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngine;
import io.uraid.io.nativeio.LoopDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rebuild cut short on loop devices, by a stop and by SIGKILL of the process running the
 * array, resumes at the member's recovery_offset on the next assembly; the rebuilt member ends
 * up a byte-for-byte copy, and mdadm reads the offset like one of its own.
 */
@Timeout(180)
class RebuildResumeLoopTest {
    private static final long MEMBER = 34L * MIB;
    static final RedundancyOptions SLOW = RedundancyOptions.DEFAULT.withSyncSpeed(8L * MIB, 12L * MIB);

    @Test
    void stoppedRebuildResumesAtItsCheckpoint() throws Exception {
        LoopDevice.assumeAvailable();
        try (Members files = new Members("rsm", 3, MEMBER);
             LoopDevice l0 = LoopDevice.attach(files.get(0), 0);
             LoopDevice l1 = LoopDevice.attach(files.get(1), 0);
             LoopDevice l2 = LoopDevice.attach(files.get(2), 0)) {
            create(List.of(l0.path(), l1.path()));
            byte[] reference;
            Layout layout;
            long dataOffset;
            long size;
            try (OpenArray open = Assembler.assemble(List.of(l0.path(), l1.path()),
                    AssembleOptions.DEFAULT.withRedundancy(SLOW), ArrayEndToEndTest.engine())) {
                RaidArray array = open.array();
                layout = array.layout();
                size = array.size();
                dataOffset = open.member(0).dataOffset();
                reference = new byte[(int) size];
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 20, 31);
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    open.addSpare(l2.path(), prep, false);
                }
                assertTrue(array.fail(1));
                Redundancy red = open.redundancy();
                long until = System.nanoTime() + 30_000_000_000L;
                while (red.syncStatus().doneBytes() < size * 2 / 5 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                ArrayEndToEndTest.writeRandomly(array, reference, 2, 10, 32); // client writes mid-rebuild
                assertEquals(SyncAction.RECOVER, red.syncStatus().action(), "stopped while rebuilding");
            }
            long resumeAt = recoveryOffset(files.get(2));
            assertTrue(resumeAt >= size * 2 / 5 && resumeAt < size, "checkpoint at stop: " + resumeAt + " of " + size);
            if (Mdadm.installed()) {
                Map<String, String> ex = Mdadm.examine(l2.path());
                assertEquals(resumeAt / 512 + " sectors", ex.get("Recovery Offset"), ex.get("_raw"));
                assertEquals("Active device 1", ex.get("Device Role"), ex.get("_raw"));
                assertEquals(Mdadm.examine(l0.path()).get("Events"), ex.get("Events"), "updated with the survivor");
            }
            resumeAndCompare(files, List.of(l0.path(), l1.path(), l2.path()), l2.path(), resumeAt, reference, layout,
                    dataOffset);
        }
    }

    @Test
    void rebuildKilledWithSigkillResumesFromTheLastCheckpoint() throws Exception {
        LoopDevice.assumeAvailable();
        try (Members files = new Members("rsk", 3, MEMBER);
             LoopDevice l0 = LoopDevice.attach(files.get(0), 0);
             LoopDevice l1 = LoopDevice.attach(files.get(1), 0);
             LoopDevice l2 = LoopDevice.attach(files.get(2), 0)) {
            create(List.of(l0.path(), l1.path()));
            byte[] reference;
            Layout layout;
            long dataOffset;
            long size;
            try (OpenArray open = Redundant.assemble(List.of(l0.path(), l1.path()), 5000)) {
                layout = open.array().layout();
                size = open.array().size();
                dataOffset = open.member(0).dataOffset();
                reference = new byte[(int) size];
                ArrayEndToEndTest.writeRandomly(open.array(), reference, 2, 20, 33);
            }
            Process child = startChild("fail", files, List.of(l0.path(), l1.path()), l2.path());
            try {
                long until = System.nanoTime() + 30_000_000_000L;
                while (recoveryOffset(files.get(2)) < size / 4 && System.nanoTime() < until && child.isAlive()) {
                    Thread.sleep(20);
                }
                assertTrue(child.isAlive(), "the child died by itself");
            } finally {
                kill(child);
            }
            long resumeAt = recoveryOffset(files.get(2));
            assertTrue(resumeAt >= size / 4 && resumeAt < size, "checkpoint at the kill: " + resumeAt + " of " + size);
            resumeAndCompare(files, List.of(l0.path(), l1.path(), l2.path()), l2.path(), resumeAt, reference, layout,
                    dataOffset);
        }
    }

    @Test
    void spareAddedBeforeSigkillIsFoundAgain() throws Exception {
        LoopDevice.assumeAvailable();
        try (Members files = new Members("rss", 3, MEMBER);
             LoopDevice l0 = LoopDevice.attach(files.get(0), 0);
             LoopDevice l1 = LoopDevice.attach(files.get(1), 0);
             LoopDevice l2 = LoopDevice.attach(files.get(2), 0)) {
            create(List.of(l0.path(), l1.path()));
            kill(startChild("spare", files, List.of(l0.path(), l1.path()), l2.path()));
            try (OpenArray open = assembleAfterKill(List.of(l0.path(), l1.path(), l2.path()))) {
                assertEquals(1, open.redundancy().spareCount(), "the spare is back after the kill");
                assertEquals(2, open.array().workingCount());
                assertFalse(open.array().degraded());
            }
        }
    }

    /** Reassembles {@code paths}; {@code rebuilt} resumes at {@code resumeAt}; then compares bytes. */
    private static void resumeAndCompare(Members files, List<Path> paths, Path rebuilt, long resumeAt, byte[] reference,
                                         Layout layout, long dataOffset) throws Exception {
        try (OpenArray open = assembleAfterKill(paths)) {
            assertEquals(MemberState.REBUILDING, open.member(1).state(), "taken back as the member being rebuilt");
            assertEquals(rebuilt, open.member(1).device().path());
            Redundancy red = open.redundancy();
            assertTrue(red.awaitSyncIdle(60_000));
            assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
            assertTrue(red.syncStatus().lastCompleted());
            long size = open.array().size();
            assertEquals(size - resumeAt, red.sync().copiedBytes(), "resumed at the checkpoint, not from zero");
            assertTrue(red.sync().copiedBytes() < size);
            assertEquals(MemberState.IN_SYNC, open.member(1).state());
            ArrayEndToEndTest.verifyThroughArray(open.array(), reference);
        }
        assertEquals(0, Redundant.differingBytes(List.of(files.get(0), files.get(2)), layout, dataOffset),
                "the rebuilt member is a byte-for-byte copy");
        assertFalse(superblock(files.get(2)).hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET));
    }

    /**
     * Assembles {@code paths}, waiting while a member is still "in use": a killed process's
     * io_uring is torn down after the process is gone, and with it the exclusive opens.
     */
    private static OpenArray assembleAfterKill(List<Path> paths) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return Assembler.assemble(paths, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine());
            } catch (IOException e) {
                if (!e.getMessage().contains("in use") || System.nanoTime() > until) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void create(List<Path> members) throws IOException {
        var spec = new CreateSpec("rsm", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, members, false, false,
                BitmapMode.INTERNAL, MIB);
        try (IoEngine eng = ArrayEndToEndTest.engine()) {
            ArrayCreator.create(spec, eng);
        }
    }

    private static Process startChild(String mode, Members files, List<Path> members, Path spare) throws Exception {
        Path log = files.dir.resolve("child-" + mode + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RebuildChild.class.getName(), mode, log.toString()));
        members.forEach(p -> cmd.add(p.toString()));
        cmd.add(spare.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(files.dir.resolve("child-" + mode + ".out").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("READY"))
                && System.nanoTime() < until && p.isAlive()) {
            Thread.sleep(20);
        }
        if (!p.isAlive()) {
            throw new AssertionError("the child exited " + p.exitValue() + ": "
                    + Files.readString(files.dir.resolve("child-" + mode + ".out")));
        }
        return p;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: nothing stopped in order, nothing flushed by the process
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
    }

    /** The recovery offset in bytes the member's superblock records (read through its file), 0 without one. */
    private static long recoveryOffset(Path file) throws IOException {
        MdSuperblock sb = superblock(file);
        return sb != null && sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET) ? sb.recoveryOffset() * 512 : 0;
    }

    private static MdSuperblock superblock(Path file) throws IOException {
        byte[] b = new byte[MdConstants.SUPERBLOCK_BYTES];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(4096);
            f.readFully(b);
        }
        return MdSuperblock.isV1(ByteBuffer.wrap(b)) ? MdSuperblock.decode(ByteBuffer.wrap(b)) : null;
    }
}
