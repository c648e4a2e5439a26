package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.TestEngines;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code uraid check}, {@code repair} and {@code replace} through the control socket of a daemon
 * running in this JVM, on a RAID1 of member files; differences are planted behind the array's back.
 */
class ScrubAndReplaceControlTest {
    private static final long MEMBER_BYTES = 16L << 20;
    private static final int BLOCK = 4096;
    private Path dir;
    private final List<Path> mirror = new ArrayList<>();
    private Path spare;
    private long dataOffset;
    private long dataBytes;
    private Daemon daemon;
    private Path control;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-scrub", "s-");
        mirror.add(TestFiles.sized(dir, "m0.img", MEMBER_BYTES));
        mirror.add(TestFiles.sized(dir, "m1.img", MEMBER_BYTES));
        spare = TestFiles.sized(dir, "spare.img", MEMBER_BYTES);
        try (IoEngine e = TestEngines.open(64)) {
            ArrayCreator.create(new CreateSpec("mir", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, mirror,
                    false, true), e);
            try (BlockDevice d = e.open(mirror.get(0), OpenOptions.DEFAULT)) {
                MdSuperblock sb = Assembler.readSuperblock(e, d);
                dataOffset = sb.dataOffset() * 512;
                dataBytes = sb.dataSize() * 512;
            }
        }
        control = dir.resolve("ctl.sock");
        daemon = Daemon.start(new Daemon.Options(null, control, List.of(Endpoint.unix(dir.resolve("nbd.sock"))),
                new InetSocketAddress("127.0.0.1", 0)));
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    @Test
    void checkCountsPlantedMismatchesAndRepairRewritesThem() throws Exception {
        long[] planted = {0, 1L << 20, 5L * (1 << 20) + BLOCK};
        Random rnd = new Random(7);
        for (long at : planted) {
            byte[] junk = new byte[BLOCK];
            rnd.nextBytes(junk);
            writeData(mirror.get(1), at, junk);
        }
        assertFalse(Arrays.equals(data(mirror.get(0)), data(mirror.get(1))), "mirrors differ before the check");

        String[] r = uraid("check", "mir", "--wait");
        assertEquals("0", r[0], r[2]);
        long expected = planted.length * (BLOCK / 512);
        assertEquals("check of mir complete: mismatch_cnt " + expected, r[1].trim());
        // md keeps mismatch_cnt in sysfs, not in /proc/mdstat: status keeps mdstat's lines only.
        assertFalse(uraid("status")[1].contains("mismatch"), uraid("status")[1]);
        assertTrue(uraid("detail", "mir")[1].contains("Mismatch Cnt : " + expected + "\n"), uraid("detail", "mir")[1]);
        String json = uraid("detail", "mir", "--json")[1];
        assertTrue(json.contains("\"mismatch_cnt\":" + expected) && json.trim().endsWith("}"), json);
        assertTrue(metrics().contains("uraid_md_mismatch_sectors{device=\"mir\"} " + expected), metrics());
        assertFalse(Arrays.equals(data(mirror.get(0)), data(mirror.get(1))), "check writes nothing");

        r = uraid("repair", "mir", "--wait");
        assertEquals("0", r[0], r[2]);
        assertEquals("repair of mir complete: mismatch_cnt " + expected, r[1].trim(), "repair counts what it fixes");
        byte[] first = data(mirror.get(0));
        assertArrayEquals(first, data(mirror.get(1)), "mirrors byte-equal after repair");
        assertEquals(0, countNonZero(first), "the first copy (all zeros) was kept, the planted blocks rewritten");

        r = uraid("check", "mir", "--wait");
        assertEquals("check of mir complete: mismatch_cnt 0", r[1].trim(), r[2]);
        assertTrue(uraid("detail", "mir")[1].contains("Mismatch Cnt : 0\n"), uraid("detail", "mir")[1]);
        assertTrue(metrics().contains("uraid_md_mismatch_sectors{device=\"mir\"} 0"), metrics());
    }

    @Test
    void replaceKeepsTheArrayRedundantAndEndsWithTheSpareInTheRole() throws Exception {
        byte[] content = new byte[(int) Math.min(dataBytes, 8L << 20)];
        new Random(11).nextBytes(content);
        writeData(mirror.get(0), 0, content); // the same bytes on both copies: a consistent array
        writeData(mirror.get(1), 0, content);

        String[] r = uraid("replace", "mir", mirror.get(1).toString(), "--with", spare.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("replacing " + mirror.get(1)), r[1]);
        long deadline = System.currentTimeMillis() + 60_000;
        String status = uraid("status")[1];
        // As the kernel shows after mdadm --replace: the old member stays, faulty, until removed.
        while (!status.contains("m1.img[1](F)") || !status.contains("spare.img[")) {
            assertTrue(status.contains("[2/2] [UU]"), "redundant while the copy runs: " + status);
            assertTrue(System.currentTimeMillis() < deadline, "replace did not finish in 60 s: " + status);
            Thread.sleep(20);
            status = uraid("status")[1];
        }
        assertTrue(status.contains("[2/2] [UU]"), "still redundant after the replace: " + status);
        String detail = uraid("detail", "mir")[1];
        assertTrue(detail.matches("(?s).*\\s1      active sync   " + java.util.regex.Pattern.quote(spare.toString())
                + "\n.*"), "the spare holds role 1: " + detail);
        assertTrue(detail.matches("(?s).*\\s-      faulty   " + java.util.regex.Pattern.quote(mirror.get(1).toString())
                + "\n.*"), "the replaced member is listed faulty: " + detail);
        r = uraid("remove", "mir", mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("hot removed " + mirror.get(1) + " from mir", r[1].trim());
        assertFalse(uraid("status")[1].contains("m1.img["), uraid("status")[1]);
        byte[] copy = data(spare);
        assertArrayEquals(data(mirror.get(0)), copy, "the spare carries the same data as the other copy");
        assertArrayEquals(content, Arrays.copyOf(copy, content.length));
        r = uraid("check", "mir", "--wait");
        assertEquals("check of mir complete: mismatch_cnt 0", r[1].trim(), r[2]);

        r = uraid("fail", "mir", mirror.get(0).toString());
        assertEquals("0", r[0], "with the spare in sync the first member may fail: " + r[2]);
        assertTrue(uraid("status")[1].contains("[2/1] [_U]"), uraid("status")[1]);
    }

    @Test
    void badRequestsAreRefusedWithOneLine() throws Exception {
        String[] r = uraid("check");
        assertEquals("2", r[0], "missing NAME is bad usage");
        r = uraid("check", "nope");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no array named nope"), r[2]);
        r = uraid("replace", "mir", spare.toString(), "--with", mirror.get(1).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("is not a member of mir"), r[2]);
        r = uraid("replace", "mir", mirror.get(0).toString(), "--with", mirror.get(1).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("already a member of mir"), r[2]);
        r = uraid("replace", "mir", mirror.get(0).toString());
        assertEquals("2", r[0], "--with is required");
        r = uraid("check", "mir");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("check started on mir"), r[1]);
        for (String[] line : List.of(uraid("check", "nope"), uraid("replace", "mir", "x", "--with", "y"))) {
            assertEquals(1, line[2].trim().split("\n").length, "one line: " + line[2]);
        }
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + daemon.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Writes straight into a member file's data area, behind the array's back. */
    private void writeData(Path member, long at, byte[] bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "rw")) {
            f.seek(dataOffset + at);
            f.write(bytes);
            f.getFD().sync();
        }
    }

    /** The data area of a member file (the array's bytes, for RAID1). */
    private byte[] data(Path member) throws Exception {
        byte[] b = new byte[(int) dataBytes];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(dataOffset);
            f.readFully(b);
        }
        return b;
    }

    private static int countNonZero(byte[] b) {
        int n = 0;
        for (byte x : b) {
            n += x != 0 ? 1 : 0;
        }
        return n;
    }
}
