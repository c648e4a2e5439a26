package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Main;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.uring.IoUringEngine;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * ZFS zloop style: a bounded number of rounds, each killing the daemon with SIGKILL while fio
 * writes through its NBD export, restarting it from its config, letting the bitmap-guided resync
 * finish and checking that every write fio saw acknowledged reads back (fio's saved verify state)
 * and that the mirrors agree ({@code uraid check}: mismatch_cnt 0).
 */
class KillNineLoopTest {
    private static final int ROUNDS = 3;
    private static final long MEMBER_BYTES = 64L << 20;
    private static final int BITMAP_CHUNK = 1 << 20;

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAndTheMirrorsAgree() throws Exception {
        String why = IoUringEngine.probe();
        Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        Assumptions.assumeTrue(DaemonProcess.hasTool("fio"), "fio is not installed (apt-get install fio)");
        Path base = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "daemon-kill9"));
        Path dir = Files.createTempDirectory(base, "k-");
        try (DaemonProcess daemon = new DaemonProcess(dir)) {
            List<Path> members = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path p = dir.resolve("m" + i + ".img");
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(MEMBER_BYTES);
                }
                members.add(p);
            }
            long arrayBytes;
            String uuid;
            try (IoEngine e = new IoUringEngine(64)) {
                ArrayCreator.create(new CreateSpec("r1", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, members,
                        false, true).withBitmap(CreateSpec.BitmapMode.INTERNAL, BITMAP_CHUNK), e);
                try (BlockDevice d = e.open(members.get(0), OpenOptions.DEFAULT)) {
                    MdSuperblock sb = Assembler.readSuperblock(e, d);
                    assertTrue(sb.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET), "created with a bitmap");
                    arrayBytes = sb.dataSize() * 512;
                    uuid = MdUuid.format(sb.setUuid());
                }
            }
            Path cfg = dir.resolve("uraid.conf");
            Files.writeString(cfg, "ARRAY r1 UUID=" + uuid + " devices=" + members.get(0) + "," + members.get(1)
                    + "\n");

            for (int round = 0; round <= ROUNDS; round++) {
                daemon.start(cfg);
                if (round > 0) {
                    awaitIdle(daemon);
                    long resynced = lastResyncBytes(daemon, round);
                    assertTrue(resynced > 0 && resynced < arrayBytes, "round " + round + ": the unclean stop "
                            + "resynced only the dirty bitmap chunks (" + resynced + " of " + arrayBytes + " bytes)");
                    fio(daemon, dir, round - 1, true);
                    String[] check = uraid(daemon, "check", "r1", "--wait");
                    assertEquals("check of r1 complete: mismatch_cnt 0", check[1].trim(),
                            "round " + round + ": mirrors agree after resync " + check[2]);
                }
                if (round == ROUNDS) {
                    break;
                }
                Process load = fio(daemon, dir, round, false);
                try {
                    new Metrics(daemon.metricsPort, "r1").awaitMemberBytes("uraid_member_written_bytes_total", 1,
                            (3L + round) << 20);
                    assertTrue(load.isAlive(), "fio was still writing when the daemon was killed");
                    daemon.kill();
                    assertTrue(load.waitFor(60, TimeUnit.SECONDS), "fio gave up after the daemon died");
                    assertNotEquals(0, load.exitValue(), "fio saw its server die");
                } finally {
                    load.destroyForcibly();
                }
                assertTrue(Files.exists(dir.resolve("local-kill" + round + "-0-verify.state")),
                        "fio saved what it had acknowledged");
            }
            assertEquals(143, daemon.terminate());
            try (IoEngine e = new IoUringEngine(8)) {
                for (Path m : members) {
                    try (BlockDevice d = e.open(m, OpenOptions.DEFAULT)) {
                        assertEquals(MdConstants.RESYNC_DONE, Assembler.readSuperblock(e, d).resyncOffset(),
                                m + " clean after the last orderly stop");
                    }
                }
            }
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * fio's round {@code round}: random 4 KiB writes of a seeded, checksummed pattern with an fsync
     * every 16 writes, rate-limited so the kill lands mid-run; with {@code verifyOnly}, waits for
     * and checks the read-back of every write the killed run had acknowledged.
     */
    private static Process fio(DaemonProcess daemon, Path dir, int round, boolean verifyOnly) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=kill" + round, "--ioengine=nbd",
                "--uri=" + daemon.uri("r1"), "--rw=randwrite", "--bs=4k", "--iodepth=8", "--size=16M",
                "--offset=" + (round % 3) * (16 << 20), "--randseed=" + (1000 + round), "--verify=crc32c",
                "--output-format=json"));
        if (verifyOnly) {
            cmd.addAll(List.of("--verify_only=1", "--verify_state_load=1", "--verify_fatal=1"));
        } else {
            cmd.addAll(List.of("--do_verify=0", "--verify_state_save=1", "--fsync=16", "--rate=8m"));
        }
        Path out = dir.resolve("fio-" + round + (verifyOnly ? "-verify" : "-load") + ".json");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (verifyOnly) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fio verify finished");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), "round " + round + " verify: " + text);
            Matcher read = Pattern.compile("\"read\"\\s*:\\s*\\{\\s*\"io_bytes\"\\s*:\\s*(\\d+)").matcher(text);
            assertTrue(read.find() && Long.parseLong(read.group(1)) >= 2L << 20,
                    "fio verified the acknowledged writes (at least 2 MiB): " + text);
        }
        return p;
    }

    private static void awaitIdle(DaemonProcess daemon) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String json = uraid(daemon, "detail", "r1", "--json")[1];
        while (!json.contains("\"sync_action\":\"idle\"")) {
            assertTrue(System.currentTimeMillis() < deadline, "resync did not finish in 60 s: " + json);
            Thread.sleep(50);
            json = uraid(daemon, "detail", "r1", "--json")[1];
        }
    }

    /** Bytes the resync of the {@code nth} restart covered, from the daemon's log. */
    private static long lastResyncBytes(DaemonProcess daemon, int nth) throws Exception {
        Matcher m = Pattern.compile("r1: resync of (\\d+) bytes started").matcher(Files.readString(daemon.log));
        List<Long> all = new ArrayList<>();
        while (m.find()) {
            all.add(Long.parseLong(m.group(1)));
        }
        assertEquals(nth, all.size(), "one resync per unclean restart: " + all);
        return all.get(nth - 1);
    }

    private static String[] uraid(DaemonProcess daemon, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--control");
        all.add(daemon.control.toString());
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all.toArray(new String[0]));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
