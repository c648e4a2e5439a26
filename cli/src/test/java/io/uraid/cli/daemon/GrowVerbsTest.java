package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.events.MdEvent;
import io.uraid.daemon.nbd.NbdClient;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.RequiredTools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code uraid grow} end to end: the CLI, a daemon in this JVM serving the array over NBD, member
 * files on the best engine, and mdadm's --examine as the oracle of what the superblocks say. A
 * client stays connected across each grow and finds the bytes it wrote; the members' data areas
 * are compared byte for byte.
 */
@Timeout(300)
class GrowVerbsTest {
    private static final long MIB = 1 << 20;
    private Path dir;
    private Daemon daemon;
    private Path control;
    private final List<MdEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        RequiredTools.require("mdadm", "mdadm");
        dir = TestFiles.scratch("daemon-grow", "g-");
        daemon = TestFiles.daemon(dir, "", null);
        control = dir.resolve("ctl.sock");
        daemon.events().listen(events::add);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    /** A raid1 of {@code n} new 16 MiB files created by the CLI (--assume-clean) and assembled by the daemon. */
    private List<Path> mirror(String name, int n, String... createOptions) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(TestFiles.sized(dir, name + i + ".img", 16 * MIB));
        }
        List<String> create = new ArrayList<>(List.of("create", name, "--level", "1", "--raid-devices",
                Integer.toString(n), "--assume-clean", "--homehost", "testhost"));
        create.addAll(List.of(createOptions));
        files.forEach(f -> create.add(f.toString()));
        String[] made = TestFiles.offline(create.toArray(new String[0]));
        assertEquals("0", made[0], made[2]);
        List<String> assemble = new ArrayList<>(List.of("assemble", name));
        files.forEach(f -> assemble.add(f.toString()));
        String[] r = uraid(assemble.toArray(new String[0]));
        assertEquals("0", r[0], r[2]);
        return files;
    }

    private NbdClient client(String name) throws Exception {
        return NbdClient.connect("nbd+unix:///" + name + "?socket=" + dir.resolve("nbd.sock").toAbsolutePath());
    }

    private static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(NbdClient c, long offset, byte[] data) throws Exception {
        try (NativeBuffer buf = NativeBuffer.allocate(data.length)) {
            buf.view().put(data);
            BlockingIo.write(c, offset, data.length, buf.address(), 0);
            BlockingIo.flush(c);
        }
    }

    private static byte[] read(NbdClient c, long offset, int length) throws Exception {
        try (NativeBuffer buf = NativeBuffer.allocate(length)) {
            BlockingIo.read(c, offset, length, buf.address());
            byte[] out = new byte[length];
            buf.view().get(out);
            return out;
        }
    }

    /** {@code length} bytes of a member's data area from {@code offset} (array offset: raid1 maps one to one). */
    private static byte[] memberData(Path member, long offset, int length) throws Exception {
        MdSuperblock sb = MemberExaminer.readV1(member);
        byte[] out = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(sb.dataOffset() * 512 + offset);
            f.readFully(out);
        }
        return out;
    }

    /** {@code mdadm --examine FILE} as "Key : value" pairs. */
    static Map<String, String> examine(Path member) throws Exception {
        Cmd c = Cmd.run(30, "mdadm", "--examine", member.toString());
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : c.output().split("\n")) {
            int colon = line.indexOf(" : ");
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 3).trim());
            }
        }
        fields.put("_raw", c.output());
        return fields;
    }

    private void awaitIdle(String name) throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        while (!uraid("detail", name, "--json")[1].contains("\"sync_action\":\"idle\"")) {
            assertTrue(System.currentTimeMillis() < until, "the sync of " + name + " did not end");
            Thread.sleep(50);
        }
    }

    private long arraySize(String name) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(uraid("detail", name, "--json")[1])
                .path("array_bytes").asLong(-1);
    }

    @Test
    void growingAMirrorToThreeGivesTheWaitingSpareTheNewSlotWhileAClientStaysConnected() throws Exception {
        List<Path> m = mirror("mir", 2);
        Path spare = TestFiles.sized(dir, "spare.img", 16 * MIB);
        byte[] before = random(1, (int) (4 * MIB));
        try (NbdClient c = client("mir")) {
            write(c, 3 * MIB, before);
            assertEquals("0", uraid("add", "mir", spare.toString())[0]);
            String[] r = uraid("grow", "mir", "--raid-devices", "3");
            assertEquals("0", r[0], r[2]);
            assertEquals("mir: raid devices 2 -> 3; 1 empty slot(s), taken by a waiting spare and rebuilt\n", r[1]);
            // The same connection: its requests waited through the grow and go to the array in its new shape.
            byte[] after = random(2, (int) MIB);
            write(c, 10 * MIB, after);
            String[] w = uraid("wait", "mir");
            awaitIdle("mir");
            assertArrayEquals(before, read(c, 3 * MIB, before.length), "the client reads what it wrote before the grow");
            assertArrayEquals(after, read(c, 10 * MIB, after.length));
            assertTrue(w[0].equals("0") || w[0].equals("1"), Arrays.toString(w));
        }
        String status = uraid("status")[1];
        assertTrue(status.contains("[3/3] [UUU]"), status);
        List<Path> all = List.of(m.get(0), m.get(1), spare);
        for (int i = 0; i < 3; i++) {
            Map<String, String> x = examine(all.get(i));
            assertEquals("3", x.get("Raid Devices"), x.get("_raw"));
            assertEquals("Active device " + i, x.get("Device Role"), x.get("_raw"));
            assertEquals("AAA ('A' == active, '.' == missing, 'R' == replacing)", x.get("Array State"));
        }
        int size = (int) arraySize("mir");
        byte[] first = memberData(m.get(0), 0, size);
        assertArrayEquals(first, memberData(m.get(1), 0, size));
        assertArrayEquals(first, memberData(spare, 0, size), "the new mirror holds every byte of the array");
        long deadline = System.currentTimeMillis() + 5000;
        while (events.stream().noneMatch(e -> e.toString().equals("SpareActive mir " + spare))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<String> seen = events.stream().map(MdEvent::toString).filter(e -> e.contains(" mir")).toList();
        assertTrue(seen.contains("SpareActive mir " + spare), seen.toString());
        assertFalse(seen.contains("DeviceDisappeared mir"), "the monitor saw no stop: " + seen);
        assertEquals(1, seen.stream().filter("NewArray mir"::equals).count(),
                "assembled again in its new shape, it is the same array, not a new one: " + seen);
    }

    @Test
    void growingAMirrorWithoutASpareLeavesTheNewSlotEmptyUntilOneIsAdded() throws Exception {
        List<Path> m = mirror("mir", 2);
        String[] r = uraid("grow", "mir", "--raid-devices", "3");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("1 empty slot(s) (uraid add a spare to fill them)"), r[1]);
        assertTrue(uraid("status")[1].contains("[3/2] [UU_]"), uraid("status")[1]);
        assertEquals("AA. ('A' == active, '.' == missing, 'R' == replacing)", examine(m.get(0)).get("Array State"));
        Path spare = TestFiles.sized(dir, "spare.img", 16 * MIB);
        assertEquals("0", uraid("add", "mir", spare.toString())[0]);
        awaitIdle("mir");
        assertTrue(uraid("status")[1].contains("[3/3] [UUU]"), uraid("status")[1]);
        assertEquals("Active device 2", examine(spare).get("Device Role"));
    }

    @Test
    void droppingAMirrorTakesOnlyAVacantOrFaultySlotNeverAWorkingCopy() throws Exception {
        List<Path> m = mirror("mir", 3);
        byte[] data = random(3, (int) MIB);
        try (NbdClient c = client("mir")) {
            write(c, 0, data);
        }
        byte[] sb = Files.readAllBytes(m.get(0));
        String[] r = uraid("grow", "mir", "--raid-devices", "2");
        assertEquals("1", r[0], "every slot holds a working copy: refused");
        assertEquals("uraid: cannot reduce mir to 2 raid devices: 3 devices hold a role; fail and remove the mirrors to"
                + " drop first (only a vacant slot is dropped, so no copy is lost)\n", r[2]);
        assertArrayEquals(sb, Files.readAllBytes(m.get(0)), "nothing written");
        assertTrue(uraid("status")[1].contains("[3/3] [UUU]"), "still running as it was");
        // Fail the first mirror: its slot goes, the others move down over it (md's raid1_reshape).
        assertEquals("0", uraid("fail", "mir", m.get(0).toString())[0]);
        r = uraid("grow", "mir", "--raid-devices", "2");
        assertEquals("0", r[0], r[2]);
        assertTrue(uraid("status")[1].contains("[2/2] [UU]"), uraid("status")[1]);
        assertEquals("Active device 0", examine(m.get(1)).get("Device Role"));
        assertEquals("Active device 1", examine(m.get(2)).get("Device Role"));
        assertEquals("2", examine(m.get(2)).get("Raid Devices"));
        try (NbdClient c = client("mir")) {
            assertArrayEquals(data, read(c, 0, data.length));
        }
        // Assembled again in its new shape, it may resync what its bitmap marks: grow refuses
        // during a resync (as mdadm), so the next request comes once it has ended. wait exits 0
        // when it waited for one, 1 when none ran (mdadm --wait); an error would say why on stderr.
        String[] waited = uraid("wait", "mir");
        assertTrue(waited[0].equals("0") || waited[0].equals("1"), waited[0] + " " + waited[2]);
        assertEquals("", waited[2], "wait ended without an error");
        String idle = uraid("status")[1];
        assertTrue(idle.contains("[2/2] [UU]") && !idle.contains("resync") && !idle.contains("recovery"), idle);
        r = uraid("grow", "mir", "--raid-devices", "1");
        assertEquals("1", r[0], "the last two copies stay");
        assertTrue(r[2].contains("2 devices hold a role"), r[2]);
        assertEquals("0", uraid("fail", "mir", m.get(2).toString())[0]);
        r = uraid("grow", "mir", "--raid-devices", "1");
        assertEquals("0", r[0], r[2]);
        assertTrue(uraid("status")[1].contains("[1/1] [U]"), uraid("status")[1]);
        r = uraid("fail", "mir", m.get(1).toString());
        assertEquals("1", r[0], "the last copy is never failed: " + r[2]);
        try (NbdClient c = client("mir")) {
            assertArrayEquals(data, read(c, 0, data.length));
        }
    }

    @Test
    void growingTheComponentSizeResyncsTheNewSpaceAndShrinkingNeedsTheNewSizeConfirmed() throws Exception {
        List<Path> m = mirror("mir", 2, "--bitmap", "none");
        long old = arraySize("mir");
        byte[] data = random(4, (int) MIB);
        try (NbdClient c = client("mir")) {
            write(c, old - MIB, data);
        }
        String[] r = uraid("grow", "mir", "--size", "max");
        assertEquals("1", r[0], "the members have no more room yet");
        assertTrue(r[2].contains("already uses"), r[2]);
        for (Path p : m) {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(24 * MIB);
                f.seek(23 * MIB);
                f.write(random(9, (int) MIB)); // what the new space held before: the two members differ there
            }
        }
        r = uraid("grow", "mir", "--size", "max");
        assertEquals("0", r[0], r[2]);
        long grown = arraySize("mir");
        assertEquals(old + 8 * MIB, grown, "max: all the members hold after the data offset, in 64 KiB");
        awaitIdle("mir");
        for (Path p : m) {
            Map<String, String> x = examine(p);
            assertTrue(x.get("Array Size").startsWith(grown / 1024 + " KiB"), x.get("_raw"));
            assertTrue(x.get("Avail Dev Size").startsWith((24 * MIB / 512 - MemberExaminer.readV1(p).dataOffset())
                    + " sectors"), "data_size follows the grown file: " + x.get("_raw"));
        }
        assertArrayEquals(memberData(m.get(0), old, (int) (grown - old)), memberData(m.get(1), old, (int) (grown - old)),
                "the new space was resynced");
        try (NbdClient c = client("mir")) {
            assertEquals(grown, c.size(), "new connections see the new size");
            assertArrayEquals(data, read(c, old - MIB, data.length), "the old space is as it was");
        }
        byte[] sb = Files.readAllBytes(m.get(0));
        r = uraid("grow", "mir", "--size", "8M");
        assertEquals("1", r[0]);
        assertEquals("uraid: this change would reduce mir from " + grown + " to " + 8 * MIB + " bytes and cut off the data"
                + " beyond; repeat with --array-size " + 8 * MIB + " to confirm (mdadm asks for --grow --array-size first)\n",
                r[2]);
        assertArrayEquals(sb, Files.readAllBytes(m.get(0)), "nothing written");
        r = uraid("grow", "mir", "--size", "8M", "--array-size", "8M");
        assertEquals("0", r[0], r[2]);
        assertEquals(8 * MIB, arraySize("mir"));
        assertTrue(uraid("status")[1].contains("8192 blocks super 1.2 [2/2] [UU]"), uraid("status")[1]);
    }

    @Test
    void growingTheSizeOfAnArrayWithABitmapResyncsOnlyTheNewChunks() throws Exception {
        List<Path> m = mirror("mir", 2, "--bitmap-chunk", "1M");
        long old = arraySize("mir");
        for (Path p : m) {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(24 * MIB);
            }
        }
        System.setProperty(Daemon.SPEED_LIMIT_MAX, "2000");
        String[] r;
        try {
            r = uraid("grow", "mir", "--size", "max");
        } finally {
            System.clearProperty(Daemon.SPEED_LIMIT_MAX);
        }
        assertEquals("0", r[0], r[2]);
        var detail = new com.fasterxml.jackson.databind.ObjectMapper().readTree(uraid("detail", "mir", "--json")[1]);
        assertEquals("resync", detail.path("sync_action").asText(), detail.toString());
        assertTrue(detail.path("sync_completed").asText().endsWith(" / " + 8 * MIB / 512),
                "the resync owes the 8 MiB of new chunks only: " + detail);
        awaitIdle("mir");
        assertEquals("8 sectors from superblock", examine(m.get(0)).get("Internal Bitmap"));
        assertArrayEquals(memberData(m.get(0), old, (int) (8 * MIB)), memberData(m.get(1), old, (int) (8 * MIB)),
                "the new chunks were resynced");
        assertEquals(old + 8 * MIB, arraySize("mir"));
    }

    @Test
    void theBitmapIsRemovedAndAddedOnTheRunningArrayAsMdadmReadsIt() throws Exception {
        List<Path> m = mirror("mir", 2);
        assertTrue(uraid("status")[1].contains("bitmap: "), uraid("status")[1]);
        String[] r = uraid("grow", "mir", "--bitmap", "none");
        assertEquals("0", r[0], r[2]);
        assertEquals("mir: internal bitmap removed\n", r[1]);
        Map<String, String> x = examine(m.get(1));
        assertEquals("0x0", x.get("Feature Map"), x.get("_raw"));
        assertFalse(x.containsKey("Internal Bitmap"), x.get("_raw"));
        assertFalse(uraid("status")[1].contains("bitmap: "), uraid("status")[1]);
        r = uraid("grow", "mir", "--bitmap", "none");
        assertEquals("1", r[0]);
        assertEquals("uraid: mir has no bitmap to remove\n", r[2]);
        r = uraid("grow", "mir", "--bitmap", "internal", "--bitmap-chunk", "1M");
        assertEquals("0", r[0], r[2]);
        assertEquals("mir: internal bitmap added, 1024 KiB chunks\n", r[1]);
        for (Path p : m) {
            x = examine(p);
            assertEquals("0x1", x.get("Feature Map"), x.get("_raw"));
            assertEquals("8 sectors from superblock", x.get("Internal Bitmap"), x.get("_raw"));
        }
        assertTrue(uraid("status")[1].contains("bitmap: 0/1 pages [0KB], 1024KB chunk"), uraid("status")[1]);
        // The bitmap works: writes set its bits, which mdadm -X reads from the member.
        try (NbdClient c = client("mir")) {
            write(c, 5 * MIB, random(5, 4096));
        }
        r = uraid("grow", "mir", "--bitmap", "internal");
        assertEquals("1", r[0]);
        assertEquals("uraid: mir already has an internal bitmap\n", r[2]);
    }

    @Test
    void badGrowRequestsAreOneLineUsageErrorsAndWriteNothing() throws Exception {
        List<Path> m = mirror("mir", 2);
        List<Path> s = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            s.add(TestFiles.sized(dir, "s" + i + ".img", 16 * MIB));
        }
        String[] made = TestFiles.offline("create", "str", "--level", "0", "--raid-devices", "2", s.get(0).toString(),
                s.get(1).toString());
        assertEquals("0", made[0], made[2]);
        assertEquals("0", uraid("assemble", "str", s.get(0).toString(), s.get(1).toString())[0]);
        byte[] before = Files.readAllBytes(m.get(0));
        byte[] stripeBefore = Files.readAllBytes(s.get(0));
        String[][] bad = {
            {"grow", "mir"},
            {"grow", "mir", "--raid-devices", "0"},
            {"grow", "mir", "--raid-devices", "3", "--size", "max"},
            {"grow", "mir", "--bitmap", "external"},
            {"grow", "mir", "--size", "12q"},
            {"grow", "mir", "--size", "8193"},
            {"grow", "mir", "--bitmap", "internal", "--bitmap-chunk", "3K"},
            {"grow", "mir", "--bitmap-chunk", "1M", "--raid-devices", "3"},
            {"grow", "str", "--raid-devices", "3"},
            {"grow", "str", "--size", "max"},
            {"grow", "str", "--bitmap", "internal"},
        };
        for (String[] args : bad) {
            String[] r = uraid(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertEquals(1, r[2].split("\n").length, "one line: " + r[2]);
            assertTrue(r[2].startsWith("uraid: "), r[2]);
        }
        String[] r = uraid("grow", "nosuch", "--raid-devices", "3");
        assertEquals("1", r[0]);
        assertEquals("uraid: no array named nosuch is running\n", r[2]);
        assertArrayEquals(before, Files.readAllBytes(m.get(0)), "nothing written to the mirror");
        assertArrayEquals(stripeBefore, Files.readAllBytes(s.get(0)), "nothing written to the stripe");
        assertTrue(uraid("status")[1].contains("[2/2] [UU]"));
    }
}
