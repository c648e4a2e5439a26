package io.uraid.levels.ppl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's raid5 PPL as the oracle, both ways, in two boots of the user-mode kernel.
 *
 * <p>Boot 1 creates two raid5 arrays with {@code --consistency-policy=ppl} and fills them with
 * a pattern. The second is stopped cleanly; uraid then logs a batch of writes in it as md logs
 * them ({@link PplLogUnit}) and tears them (some data and parity blocks written, some not),
 * leaving the array dirty. On the first, twelve writers rewrite 4 KiB blocks with O_SYNC, each
 * noting what the kernel acknowledged, until the machine is powered off mid-write
 * ({@code poweroff -f}): the kernel's own logs hold entries and its stripes may be torn.
 *
 * <p>A third array is uraid's own from the start: created by uraid with the log, written by
 * uraid's write path in a child process killed with SIGKILL mid-write, so its log holds what
 * uraid's live path wrote.
 *
 * <p>Each crashed array is copied: uraid recovers one copy, the kernel assembles the other in
 * boot 2 (its recovery runs) and checks it. The two recoveries must leave the same bytes on
 * every member (data, parity and the cleared log), the kernel's check must find no mismatch,
 * and the array the kernel crashed must hold every write it acknowledged.
 */
class PplKernelOracleTest {
    private static final int DISKS = 4;
    private static final long MEMBER = 8L << 20;
    private static final int HAMMERED_BLOCKS = 192;
    private static final int WRITERS = 12;

    private static Path dir;
    private static byte[] pattern;
    private static final Map<String, String> BOOT2 = new HashMap<>();
    private static String console2;
    private static int tornRowsBeforeKernelRecovery;
    private static PplRecovery.Outcome uraidOnKernelCrash;
    private static PplRecovery.Outcome uraidOnOwnLog;
    private static int tornRowsOfOwnBatch;
    private static PplRecovery.Outcome uraidOnLiveLog;
    private static String liveExamine;
    /** mdadm -E of a member of the kernel's clean array after boot 1 (the kernel wrote its superblock last). */
    private static String kernelExamine;

    @BeforeAll
    static void crashRecoverAndLetTheKernelRecoverToo() throws Exception {
        UserModeLinux.require();
        dir = Path.of("target", "ppl-oracle").toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!Files.isDirectory(f)) {
                        Files.delete(f);
                    }
                }
            }
        }
        Files.createDirectories(dir);
        pattern = new byte[(int) (3 * MEMBER)];
        new Random(13).nextBytes(pattern);
        Files.write(dir.resolve("pattern"), pattern);
        try (var helper = PplKernelOracleTest.class.getResourceAsStream("ppl-guest.pl")) {
            Files.copy(helper, dir.resolve("ppl-guest.pl"));
        }
        List<Path> boot1 = new ArrayList<>();
        boot1.addAll(members("crash"));
        boot1.addAll(members("torn"));
        for (Path m : boot1) {
            try (var f = java.nio.channels.FileChannel.open(m, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                f.write(ByteBuffer.allocate(1), MEMBER - 1);
            }
        }
        UserModeLinux.Boot b1 = UserModeLinux.run(boot1Script(), boot1, dir.resolve("boot1"), Duration.ofMinutes(8));
        assertFalse(b1.finished(), "the script powers the kernel off in the middle of writes: " + b1);
        assertEquals("ok", b1.values().get("created"), b1.toString());
        assertTrue(b1.output().contains("hammering"), b1.toString());
        kernelExamine = Mdadm.examine(members("torn").get(0));

        // The kernel's crash: one copy for uraid, one for the kernel.
        copy("crash", "crash-uraid");
        copy("crash", "crash-kernel");
        try (Raid5Images img = Raid5Images.open(members("crash-uraid").toArray(Path[]::new))) {
            tornRowsBeforeKernelRecovery = img.inconsistentRows();
            uraidOnKernelCrash = PplStart.recover(superblocks(img), img.io(), 512);
        }

        // uraid's log in the kernel's clean array, torn, then the same two copies.
        try (Raid5Images img = Raid5Images.open(members("torn").toArray(Path[]::new))) {
            // An assembly starts the session: uraid clears the logs the kernel's writes left (the
            // array is clean: nothing to replay), as md does; the log writes then start afresh.
            PplRecovery.Outcome start = PplStart.recover(superblocks(img), img.io(), 512);
            assertEquals(new PplRecovery.Outcome(0, 0, 0, false), start);
            Random rnd = new Random(17);
            List<long[]> writes = PplRecoveryTest.randomWrites(img.layout, rnd, 12);
            for (LoggedBatch.Block b : new LoggedBatch(img).log(writes, rnd, new byte[writes.size()][])) {
                if (rnd.nextInt(3) != 0) {
                    img.put(b.role(), b.offset(), b.bytes());
                }
            }
            img.markDirty();
            tornRowsOfOwnBatch = img.inconsistentRows();
        }
        copy("torn", "torn-uraid");
        copy("torn", "torn-kernel");
        try (Raid5Images img = Raid5Images.open(members("torn-uraid").toArray(Path[]::new))) {
            uraidOnOwnLog = PplStart.recover(superblocks(img), img.io(), 512);
            assertEquals(0, img.inconsistentRows(), "uraid's recovery of its own log");
        }

        liveArrayKilledMidWrite();
        copy("live", "live-uraid");
        copy("live", "live-kernel");
        try (Raid5Images img = Raid5Images.open(members("live-uraid").toArray(Path[]::new))) {
            uraidOnLiveLog = PplStart.recover(superblocks(img), img.io(), 512);
            assertEquals(0, img.inconsistentRows(), "uraid's recovery of its live log");
        }

        List<Path> boot2 = new ArrayList<>();
        boot2.addAll(members("crash-kernel"));
        boot2.addAll(members("torn-kernel"));
        boot2.addAll(members("live-kernel"));
        UserModeLinux.Boot b2 = UserModeLinux.run(boot2Script(), boot2, dir.resolve("boot2"), Duration.ofMinutes(8));
        console2 = b2.toString();
        assertTrue(b2.finished() && b2.exitCode() == 0, console2);
        BOOT2.putAll(b2.values());
    }

    /** uraid creates a raid5 with the log, writes through its own path in a child, and the child is killed. */
    private static void liveArrayKilledMidWrite() throws Exception {
        List<Path> live = members("live");
        for (Path m : live) {
            try (var f = java.nio.channels.FileChannel.open(m, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                f.write(ByteBuffer.allocate(1), MEMBER - 1);
            }
        }
        CreateSpec spec = new CreateSpec("live", "uml", LevelRegistry.byName("raid5"), DISKS, 16 * 1024, -1, live,
                false, true, CreateSpec.BitmapMode.PPL, 0);
        try (IoEngine e = TestEngines.open(64)) {
            ArrayCreator.create(spec, e);
        }
        Path log = dir.resolve("live-child.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.uraid.arrays.KillNineChild", "41", "1",
                Long.toString(2L << 20), log.toString()));
        live.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("live-child.err").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long until = System.nanoTime() + 60_000_000_000L;
        while (p.isAlive() && System.nanoTime() < until
                && !(Files.exists(log) && Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("READY"))) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the writer died by itself: " + Files.readString(dir.resolve("live-child.err")));
        Thread.sleep(1500);
        p.destroyForcibly(); // SIGKILL mid-write: the superblocks stay active, the logs hold the writes in flight
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        liveExamine = Mdadm.examine(live.get(0));
    }

    private static String boot1Script() {
        String h = "perl " + dir.resolve("ppl-guest.pl");
        StringBuilder s = new StringBuilder("set -u\n");
        s.append("ok=ok\n");
        s.append(create("md0", "crash", "b c d e"));
        s.append(create("md1", "torn", "f g h i"));
        s.append("mdadm --wait /dev/md0 /dev/md1 >/dev/null 2>&1\n");
        s.append(h).append(" fill ").append(dir.resolve("pattern")).append(" md0 md1 || ok=fill-failed\n");
        s.append("mdadm --stop /dev/md1 >/dev/null 2>&1 || ok=stop-failed\n");
        s.append("read v < /sys/block/md0/md/consistency_policy; [ \"$v\" = ppl ] || ok=policy-$v\n");
        s.append("echo created=$ok\n");
        s.append(h).append(" hammer /dev/md0 ").append(HAMMERED_BLOCKS).append(' ').append(WRITERS).append(' ')
                .append(dir).append(" 5\n");
        s.append("echo hammering\nsleep 4\n");
        s.append("poweroff -f\n");
        return s.toString();
    }

    private static String create(String md, String name, String ubds) {
        StringBuilder s = new StringBuilder("mdadm --create /dev/" + md + " --run --quiet --metadata=1.2 --homehost=uml"
                + " --name=" + name + " --level=5 --consistency-policy=ppl --chunk=16 --raid-devices=" + DISKS);
        for (String u : ubds.split(" ")) {
            s.append(" /dev/ubd").append(u);
        }
        return s.append(" || ok=create-").append(name).append("-failed\n").toString();
    }

    private static String boot2Script() {
        StringBuilder s = new StringBuilder("set -u\n");
        s.append("echo 1 > /proc/sys/dev/raid/speed_limit_min; echo 1 > /proc/sys/dev/raid/speed_limit_max\n");
        String[][] arrays = {{"md0", "crash", "b c d e"}, {"md1", "torn", "f g h i"}, {"md2", "live", "j k l m"}};
        for (String[] a : arrays) {
            s.append("mdadm --assemble /dev/").append(a[0]).append(" --run --quiet");
            for (String u : a[2].split(" ")) {
                s.append(" /dev/ubd").append(u);
            }
            s.append(" || echo ").append(a[1]).append("_assemble=failed\n");
            for (String key : new String[] {"resync_start", "sync_action", "consistency_policy"}) {
                s.append("read v < /sys/block/").append(a[0]).append("/md/").append(key).append("; echo ")
                        .append(a[1]).append('_').append(key).append("=$v\n");
            }
        }
        s.append("echo 1000000 > /proc/sys/dev/raid/speed_limit_max; echo 500000 > /proc/sys/dev/raid/speed_limit_min\n");
        for (String[] a : arrays) {
            s.append("echo check > /sys/block/").append(a[0]).append("/md/sync_action\n");
        }
        s.append("mdadm --wait /dev/md0 /dev/md1 /dev/md2 >/dev/null 2>&1\n");
        for (String[] a : arrays) {
            s.append("read v < /sys/block/").append(a[0]).append("/md/mismatch_cnt; echo ").append(a[1])
                    .append("_mismatch=$v\n");
        }
        s.append("mdadm --stop /dev/md0 /dev/md1 /dev/md2 >/dev/null 2>&1\n");
        return s.toString();
    }

    private static List<Path> members(String name) {
        List<Path> out = new ArrayList<>();
        for (int r = 0; r < DISKS; r++) {
            out.add(dir.resolve(name + "-" + r + ".img"));
        }
        return out;
    }

    private static void copy(String from, String to) throws IOException {
        for (int r = 0; r < DISKS; r++) {
            Files.copy(members(from).get(r), members(to).get(r), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MdSuperblock[] superblocks(Raid5Images img) throws IOException {
        MdSuperblock[] sbs = new MdSuperblock[DISKS];
        for (int r = 0; r < DISKS; r++) {
            sbs[r] = img.superblock(r);
            assertEquals(r, sbs[r].role(), "mdadm gave the members their roles in order");
        }
        return sbs;
    }

    private static String boot2(String key) {
        String v = BOOT2.get(key);
        assertTrue(v != null, "boot 2 printed no " + key + ": " + console2);
        return v;
    }

    // ---- the kernel's crash, recovered by uraid ----

    @Test
    void uraidReplaysTheLogsTheKernelLeftAndMarksTheArrayClean() {
        System.out.printf("ppl oracle: kernel crash left %d torn rows; uraid: %s%n", tornRowsBeforeKernelRecovery,
                uraidOnKernelCrash);
        assertTrue(uraidOnKernelCrash.recoveredEntries() > 0, "the kernel's logs hold the writes in flight: "
                + uraidOnKernelCrash);
        assertEquals(0, uraidOnKernelCrash.mismatches());
        assertTrue(uraidOnKernelCrash.markClean());
        assertEquals("none", boot2("crash_resync_start"), "the kernel too recovers without a resync");
    }

    @Test
    void uraidAndTheKernelRecoverTheKernelsCrashToTheSameBytes() throws IOException {
        assertSameMembers("crash-uraid", "crash-kernel");
        assertEquals("0", boot2("crash_mismatch"), "the kernel's check of its own recovery");
    }

    @Test
    void everyWriteTheKernelAcknowledgedIsReadBackAfterUraidsRecovery() throws IOException {
        Map<Integer, Integer> acked = new HashMap<>();
        int acks = 0;
        for (int w = 0; w < WRITERS; w++) {
            Path log = dir.resolve("ack" + w);
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ");
                if (f.length == 2 && !f[1].isEmpty()) { // the last line may be cut by the crash
                    acked.merge(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Math::max);
                    acks++;
                }
            }
        }
        System.out.printf("ppl oracle: %d writes acknowledged before the crash, over %d blocks%n", acks, acked.size());
        assertTrue(acks > 0, "the writers ran before the crash");
        try (Raid5Images img = Raid5Images.open(members("crash-uraid").toArray(Path[]::new))) {
            byte[] all = img.arrayBytes(0, HAMMERED_BLOCKS * 4096);
            for (int b = 0; b < HAMMERED_BLOCKS; b++) {
                ByteBuffer block = ByteBuffer.wrap(all, b * 4096, 4096).slice();
                Integer last = acked.get(b);
                boolean original = block.equals(ByteBuffer.wrap(pattern, b * 4096, 4096));
                if (original) {
                    assertTrue(last == null, "block " + b + " lost its acknowledged write " + last);
                    continue;
                }
                int tagBlock = block.getInt(0);
                int seq = block.getInt(4);
                for (int i = 0; i < 4096; i += 8) {
                    assertEquals(tagBlock, block.getInt(i), "block " + b + " holds a torn write");
                    assertEquals(seq, block.getInt(i + 4), "block " + b + " holds a torn write");
                }
                assertEquals(b, tagBlock, "block " + b + " holds another block's data");
                assertTrue(last == null || seq >= last, "block " + b + " went back from acknowledged write " + last
                        + " to " + seq);
            }
            assertEquals(0, img.inconsistentRows(), "every row's parity agrees with its data after recovery");
        }
    }

    // ---- uraid's log, recovered by the kernel ----

    @Test
    void theKernelReplaysUraidsLogToTheBytesUraidsRecoveryWrites() throws IOException {
        System.out.printf("ppl oracle: uraid's torn batch left %d torn rows; uraid: %s%n", tornRowsOfOwnBatch,
                uraidOnOwnLog);
        assertTrue(tornRowsOfOwnBatch > 0, "the batch must be torn for the test to show anything");
        assertEquals(0, uraidOnOwnLog.mismatches());
        assertTrue(uraidOnOwnLog.markClean());
        assertEquals("ppl", boot2("torn_consistency_policy"));
        assertEquals("none", boot2("torn_resync_start"), "the kernel accepted every entry of uraid's log");
        assertEquals("0", boot2("torn_mismatch"), "the kernel's check after replaying uraid's log");
        assertSameMembers("torn-uraid", "torn-kernel");
    }

    // ---- uraid's live log, left by a killed writer ----

    @Test
    void mdadmReadsTheLogUraidCreatedAndTheKernelReplaysWhatUraidsWritePathLogged() throws IOException {
        System.out.printf("ppl oracle: uraid's killed writer: uraid recovery %s%n", uraidOnLiveLog);
        assertTrue(liveExamine.contains("            PPL : 2048 sectors at offset 8 sectors from superblock\n"),
                liveExamine);
        assertTrue(liveExamine.contains("          State : active\n"), "killed mid-write: " + liveExamine);
        assertTrue(uraidOnLiveLog.recoveredEntries() > 0, uraidOnLiveLog.toString());
        assertEquals(0, uraidOnLiveLog.mismatches());
        assertEquals("none", boot2("live_resync_start"), "the kernel accepted every entry uraid's path wrote");
        assertEquals("0", boot2("live_mismatch"), "the kernel's check after replaying uraid's live log");
        assertSameMembers("live-uraid", "live-kernel");
    }

    /** Data area and PPL area of every member equal after both recoveries. */
    /**
     * md writes feature 2048 (MULTIPLE_PPLS) instead of 1024 (PPL) once it runs an array whose
     * log area holds several log writes (mdadm's 2048 sectors do); uraid's running array must
     * record what the kernel's records for the same area.
     */
    @Test
    void uraidsRunningArrayRecordsTheLogFeatureTheKernelRecordsForTheSameArea() {
        String kernel = featureMap(kernelExamine);
        assertEquals("0x800", kernel, "the kernel's superblock:\n" + kernelExamine);
        assertEquals(kernel, featureMap(liveExamine), "uraid's superblock while it ran:\n" + liveExamine);
    }

    private static String featureMap(String examine) {
        return examine.lines().filter(l -> l.strip().startsWith("Feature Map :")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("(none)");
    }

    private static void assertSameMembers(String a, String b) throws IOException {
        try (Raid5Images x = Raid5Images.open(members(a).toArray(Path[]::new));
             Raid5Images y = Raid5Images.open(members(b).toArray(Path[]::new))) {
            for (int r = 0; r < DISKS; r++) {
                byte[] dx = x.get(r, x.dataOffset, (int) x.layout.memberBytesUsed());
                byte[] dy = y.get(r, y.dataOffset, (int) y.layout.memberBytesUsed());
                assertEquals(-1, ByteBuffer.wrap(dx).mismatch(ByteBuffer.wrap(dy)), "data area of role " + r);
                byte[] px = x.get(r, x.area.start(), x.area.bytes());
                byte[] py = y.get(r, y.area.start(), y.area.bytes());
                assertEquals(-1, ByteBuffer.wrap(px).mismatch(ByteBuffer.wrap(py)), "PPL area of role " + r);
            }
        }
    }
}
