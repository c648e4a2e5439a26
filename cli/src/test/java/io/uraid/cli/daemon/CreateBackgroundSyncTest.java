package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.nbd.NbdClient;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.RequiredTools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code uraid create} of a mirror returns without syncing it, as mdadm --create does: the
 * members keep what they held, the superblocks say a resync is owed, and the first assembly runs
 * it in the background, serving reads of what it has not reached yet from the first member. A
 * resync stopped cleanly records where it got to (md's resync_offset) and the next assembly
 * resumes there. The members start with different random bytes, so a read from the wrong one,
 * or a region left out, shows.
 */
@Timeout(300)
class CreateBackgroundSyncTest {
    private static final long MIB = 1 << 20;
    private Path dir;
    private Daemon daemon;
    private Path control;
    private Path m0;
    private Path m1;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-create-sync", "c-");
        m0 = randomFile("m0.img", 1);
        m1 = randomFile("m1.img", 2);
        System.setProperty(Daemon.SPEED_LIMIT_MAX, "4000"); // 16 MiB take about 4 s
        daemon = TestFiles.daemon(dir, "", null);
        control = dir.resolve("ctl.sock");
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(Daemon.SPEED_LIMIT_MAX);
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private Path randomFile(String name, long seed) throws Exception {
        byte[] b = new byte[(int) (16 * MIB)];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    private JsonNode detail() throws Exception {
        return new ObjectMapper().readTree(uraid("detail", "mir", "--json")[1]);
    }

    private static byte[] dataArea(Path member, long size) throws Exception {
        MdSuperblock sb = MemberExaminer.readV1(member);
        byte[] out = new byte[(int) size];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(sb.dataOffset() * 512);
            f.readFully(out);
        }
        return out;
    }

    private void create(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("create", "mir", "--level", "1", "--raid-devices", "2"));
        args.addAll(List.of(options));
        args.add(m0.toString());
        args.add(m1.toString());
        long t0 = System.nanoTime();
        String[] r = TestFiles.offline(args.toArray(new String[0]));
        assertEquals("0", r[0], r[2]);
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "create returns without syncing");
    }

    @Test
    void createReturnsAtOnceAndTheFirstAssemblyResyncsReadingWhatItHasNotReachedFromTheFirstMember() throws Exception {
        RequiredTools.require("mdadm", "mdadm");
        create("--bitmap", "none");
        long size = MemberExaminer.readV1(m0).size() * 512;
        byte[] first = dataArea(m0, size);
        assertFalse(Arrays.equals(first, dataArea(m1, size)), "create copied nothing");
        assertEquals(0, MemberExaminer.readV1(m0).resyncOffset(), "a resync is owed from the start");
        String examined = Cmd.run(30, "mdadm", "--examine", m1.toString()).output();
        assertTrue(examined.contains("State : active"), "mdadm: not clean, " + examined);

        assertEquals("0", uraid("assemble", "mir", m0.toString(), m1.toString())[0]);
        JsonNode d = detail();
        assertEquals("resync", d.path("sync_action").asText(), d.toString());
        String status = uraid("status")[1];
        assertTrue(status.contains("resync ="), status);
        byte[] read = new byte[(int) size];
        try (NbdClient c = NbdClient.connect("nbd+unix:///mir?socket=" + dir.resolve("nbd.sock").toAbsolutePath());
             NativeBuffer buf = NativeBuffer.allocate((int) MIB)) {
            for (long at = 0; at < size; at += MIB) {
                BlockingIo.read(c, at, (int) MIB, buf.address());
                buf.view().get(read, (int) at, (int) MIB);
            }
        }
        assertTrue(detail().path("sync_action").asText().equals("resync"), "read while the resync ran");
        assertArrayEquals(first, read, "every read came from the first member's bytes");
        String[] w = uraid("wait", "mir");
        assertEquals("0", w[0], w[2]);
        assertArrayEquals(first, dataArea(m1, size), "the resync copied the first member onto the second");
        assertEquals("0", uraid("stop", "mir")[0]);
        assertEquals(MdConstants.RESYNC_DONE, MemberExaminer.readV1(m1).resyncOffset());
    }

    @Test
    void aResyncStoppedCleanlyResumesWhereItStopped() throws Exception {
        create("--bitmap", "none");
        long size = MemberExaminer.readV1(m0).size() * 512;
        byte[] first = dataArea(m0, size);
        assertEquals("0", uraid("assemble", "mir", m0.toString(), m1.toString())[0]);
        long until = System.currentTimeMillis() + 30_000;
        while (detail().path("sync_percent").asDouble() < 20) {
            assertTrue(System.currentTimeMillis() < until, "the resync made no progress");
            Thread.sleep(50);
        }
        assertEquals("0", uraid("stop", "mir")[0]);
        long checkpoint = MemberExaminer.readV1(m0).resyncOffset();
        assertEquals(checkpoint, MemberExaminer.readV1(m1).resyncOffset());
        assertTrue(checkpoint > 0 && checkpoint < size / 512, "resync_offset " + checkpoint + " of " + size / 512);
        assertArrayEquals(Arrays.copyOf(first, (int) (checkpoint * 512)),
                Arrays.copyOf(dataArea(m1, size), (int) (checkpoint * 512)), "synced below the checkpoint");

        assertEquals("0", uraid("assemble", "mir", m0.toString(), m1.toString())[0]);
        JsonNode d = detail();
        assertEquals("resync", d.path("sync_action").asText(), d.toString());
        long total = Long.parseLong(d.path("sync_completed").asText().split(" / ")[1]);
        assertTrue(total <= size / 512 - checkpoint + 2048 && total < size / 512,
                "resumed near sector " + checkpoint + ", not from 0: owes " + total + " of " + size / 512);
        assertEquals("0", uraid("wait", "mir")[0]);
        assertArrayEquals(first, dataArea(m1, size));
    }

    @Test
    void withABitmapTheResyncOfANewMirrorResumesFromTheChunksStillDirty() throws Exception {
        create("--bitmap-chunk", "1M");
        long size = MemberExaminer.readV1(m0).size() * 512;
        byte[] first = dataArea(m0, size);
        assertEquals("0", uraid("assemble", "mir", m0.toString(), m1.toString())[0]);
        long until = System.currentTimeMillis() + 30_000;
        while (detail().path("sync_percent").asDouble() < 30) {
            assertTrue(System.currentTimeMillis() < until, "the resync made no progress");
            Thread.sleep(50);
        }
        assertEquals("0", uraid("stop", "mir")[0]);
        assertEquals("0", uraid("assemble", "mir", m0.toString(), m1.toString())[0]);
        JsonNode d = detail();
        assertEquals("resync", d.path("sync_action").asText(), d.toString());
        long total = Long.parseLong(d.path("sync_completed").asText().split(" / ")[1]);
        assertTrue(total < size / 512 * 8 / 10, "only the chunks not yet synced are owed: " + total + " of "
                + size / 512);
        assertEquals("0", uraid("wait", "mir")[0]);
        assertArrayEquals(first, dataArea(m1, size));
    }
}
