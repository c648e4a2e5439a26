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

    /** Three loop devices over member files; raid1 created on the first two, the third a spare to be. */
    private static final class Loops implements AutoCloseable {
        final Members files;
        final LoopDevice l0;
        final LoopDevice l1;
        final LoopDevice l2;
        /** What the array holds, as written by {@link #fill}. */
        byte[] reference;
        Layout layout;
        long dataOffset;

        Loops(String name) throws IOException {
            LoopDevice.assumeAvailable();
            files = new Members(name, 3, MEMBER);
            List<AutoCloseable> opened = new ArrayList<>(List.of(files));
            try {
                l0 = attach(opened, 0);
                l1 = attach(opened, 1);
                l2 = attach(opened, 2);
                // --assume-clean: the fresh files read as zeroes (no first sync before the rebuild under test)
                var spec = new CreateSpec(name, "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, pair(), false,
                        true, BitmapMode.INTERNAL, MIB);
                try (IoEngine eng = ArrayEndToEndTest.engine()) {
                    ArrayCreator.create(spec, eng);
                }
            } catch (IOException | RuntimeException e) {
                for (int k = opened.size() - 1; k >= 0; k--) {
                    closeQuietly(opened.get(k), e); // detach what was attached, even on failure
                }
                throw e;
            }
        }

        private LoopDevice attach(List<AutoCloseable> opened, int i) throws IOException {
            LoopDevice l = LoopDevice.attach(files.get(i), 0);
            opened.add(l);
            return l;
        }

        private static void closeQuietly(AutoCloseable c, Exception cause) {
            try {
                c.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }

        List<Path> pair() {
            return List.of(l0.path(), l1.path());
        }

        List<Path> all() {
            return List.of(l0.path(), l1.path(), l2.path());
        }

        long size() {
            return reference.length;
        }

        void fill(RaidArray array, long seed) throws Exception {
            layout = array.layout();
            reference = new byte[(int) array.size()];
            ArrayEndToEndTest.writeRandomly(array, reference, 2, 20, seed);
        }

        @Override
        public void close() throws IOException {
            try (files; l0; l1; l2) {
                // detached and deleted in reverse order, even when one fails
            }
        }
    }

    @Test
    void stoppedRebuildResumesAtItsCheckpoint() throws Exception {
        try (Loops t = new Loops("rsm")) {
            try (OpenArray open = Assembler.assemble(t.pair(), AssembleOptions.DEFAULT.withRedundancy(SLOW),
                    ArrayEndToEndTest.engine())) {
                RaidArray array = open.array();
                t.fill(array, 31);
                t.dataOffset = open.member(0).dataOffset();
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    open.addSpare(t.l2.path(), prep, false);
                }
                assertTrue(array.fail(1));
                Redundancy red = open.redundancy();
                long until = System.nanoTime() + 30_000_000_000L;
                while (red.syncStatus().doneBytes() < t.size() * 2 / 5 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                ArrayEndToEndTest.writeRandomly(array, t.reference, 2, 10, 32); // client writes mid-rebuild
                assertEquals(SyncAction.RECOVER, red.syncStatus().action(), "stopped while rebuilding");
            }
            long resumeAt = recoveryOffset(t.files.get(2));
            assertTrue(resumeAt >= t.size() * 2 / 5 && resumeAt < t.size(), "checkpoint at stop: " + resumeAt);
            String ours = io.uraid.core.report.MemberExaminer.text(t.l2.path(), java.time.ZoneOffset.UTC, "testhost");
            assertTrue(ours.contains("Recovery Offset : " + resumeAt / 512 + " sectors\n"), ours);
            assertTrue(ours.contains("Device Role : Active device 1\n"), ours);
            Mdadm.require();
            Map<String, String> ex = Mdadm.examine(t.l2.path());
            assertEquals(resumeAt / 512 + " sectors", ex.get("Recovery Offset"), ex.get("_raw"));
            assertTrue(ex.get("_raw").contains(line(ours, "Recovery Offset")), "uraid examine says it as mdadm: "
                    + ex.get("_raw"));
            assertEquals("Active device 1", ex.get("Device Role"), ex.get("_raw"));
            assertEquals(Mdadm.examine(t.l0.path()).get("Events"), ex.get("Events"), "updated with the survivor");
            resumeAndCompare(t, resumeAt);
        }
    }

    @Test
    void rebuildKilledWithSigkillResumesFromTheLastCheckpoint() throws Exception {
        try (Loops t = new Loops("rsk")) {
            try (OpenArray open = Redundant.assemble(t.pair(), 5000)) {
                t.fill(open.array(), 33);
                t.dataOffset = open.member(0).dataOffset();
            }
            Process child = startChild("fail", t.files, t.pair(), t.l2.path());
            try {
                long until = System.nanoTime() + 30_000_000_000L;
                while (recoveryOffset(t.files.get(2)) < t.size() / 4 && System.nanoTime() < until && child.isAlive()) {
                    Thread.sleep(20);
                }
                assertTrue(child.isAlive(), "the child died by itself");
            } finally {
                kill(child);
            }
            long resumeAt = recoveryOffset(t.files.get(2));
            assertTrue(resumeAt >= t.size() / 4 && resumeAt < t.size(), "checkpoint at the kill: " + resumeAt);
            resumeAndCompare(t, resumeAt);
        }
    }

    @Test
    void spareAddedBeforeSigkillIsFoundAgain() throws Exception {
        try (Loops t = new Loops("rss")) {
            kill(startChild("spare", t.files, t.pair(), t.l2.path()));
            try (OpenArray open = assembleAfterKill(t.all())) {
                assertEquals(1, open.redundancy().spareCount(), "the spare is back after the kill");
                assertEquals(2, open.array().workingCount());
                assertFalse(open.array().degraded());
            }
        }
    }

    /** Reassembles all three; the spare resumes its rebuild at {@code resumeAt}; then compares bytes. */
    private static void resumeAndCompare(Loops t, long resumeAt) throws Exception {
        try (OpenArray open = assembleAfterKill(t.all())) {
            assertEquals(MemberState.REBUILDING, open.member(1).state(), "taken back as the member being rebuilt");
            assertEquals(t.l2.path(), open.member(1).device().path());
            Redundancy red = open.redundancy();
            assertTrue(red.awaitSyncIdle(60_000));
            assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction());
            assertTrue(red.syncStatus().lastCompleted());
            assertEquals(t.size() - resumeAt, red.sync().copiedBytes(), "resumed at the checkpoint, not from zero");
            assertEquals(MemberState.IN_SYNC, open.member(1).state());
            ArrayEndToEndTest.verifyThroughArray(open.array(), t.reference);
        }
        assertEquals(0, Redundant.differingBytes(List.of(t.files.get(0), t.files.get(2)), t.layout, t.dataOffset),
                "the rebuilt member is a byte-for-byte copy");
        assertFalse(superblock(t.files.get(2)).hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET));
    }

    /** The line of {@code text} holding {@code key}. */
    private static String line(String text, String key) {
        return text.lines().filter(l -> l.contains(key)).findFirst().orElseThrow();
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
