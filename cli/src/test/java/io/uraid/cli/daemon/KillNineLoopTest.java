package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.daemon.nbd.NbdClient;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ZFS zloop style: a bounded number of rounds, each killing the daemon with SIGKILL while fio and
 * an {@link AckedWriter} write through its NBD export, restarting it from its config, letting the
 * bitmap-guided resync finish and checking that every write acknowledged before the last completed
 * flush (indeed every acknowledged write: kill -9 is no power cut) reads back, and that the
 * mirrors agree ({@code uraid check}: mismatch_cnt 0).
 */
class KillNineLoopTest {
    private static final int ROUNDS = 3;
    private static final long MEMBER_BYTES = 64L << 20;
    private static final int BITMAP_CHUNK = 1 << 20;
    private static final long WRITER_BASE = 32L << 20;
    private static final int WRITER_BLOCKS = (16 << 20) / AckedWriter.BLOCK;

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAndTheMirrorsAgree() throws Exception {
        TestFiles.assumeEngine();
        RequiredTools.require("fio", "fio");
        Path dir = TestFiles.scratch("daemon-kill9", "k-");
        try (DaemonProcess daemon = new DaemonProcess(dir)) {
            List<Path> members = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                members.add(TestFiles.sized(dir, "m" + i + ".img", MEMBER_BYTES));
            }
            long arrayBytes;
            String uuid;
            try (IoEngine e = TestEngines.open(64)) {
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

            long[] floor = new long[WRITER_BLOCKS]; // what each block held at the last verification
            java.util.Arrays.fill(floor, -1);
            AckedWriter last = null;
            long promisesChecked = 0;
            for (int round = 0; round <= ROUNDS; round++) {
                daemon.start(cfg);
                if (round > 0) {
                    awaitIdle(daemon);
                    long resynced = lastResyncBytes(daemon, round);
                    assertTrue(resynced > 0 && resynced < arrayBytes, "round " + round + ": the unclean stop "
                            + "resynced only the dirty bitmap chunks (" + resynced + " of " + arrayBytes + " bytes)");
                    long[] now = AckedWriter.readBack(daemon.uri("r1"), WRITER_BASE, WRITER_BLOCKS);
                    long[] durable = last.durable();
                    long[] acked = last.acked();
                    for (int b = 0; b < WRITER_BLOCKS; b++) {
                        String where = "round " + round + ", block " + b + ": holds write " + now[b];
                        assertTrue(now[b] >= durable[b], where + ", older than " + durable[b]
                                + ", acknowledged before a completed flush");
                        assertTrue(now[b] >= acked[b], where + ", older than acknowledged write " + acked[b]
                                + " (kill -9 loses no acknowledged write)");
                        assertTrue(now[b] >= floor[b], where + ", older than " + floor[b] + " read before");
                        promisesChecked += durable[b] >= 0 ? 1 : 0;
                    }
                    floor = now;
                    String[] check = uraid(daemon, "check", "r1", "--wait");
                    assertEquals("check of r1 complete: mismatch_cnt 0", check[1].trim(),
                            "round " + round + ": mirrors agree after resync " + check[2]);
                }
                if (round == ROUNDS) {
                    break;
                }
                last = loadAndKill(daemon, dir, round);
            }
            assertTrue(promisesChecked >= ROUNDS * 100L, "flushed writes were checked: " + promisesChecked);
            assertEquals(143, daemon.terminate());
            try (IoEngine e = TestEngines.open(8)) {
                for (Path m : members) {
                    try (BlockDevice d = e.open(m, OpenOptions.DEFAULT)) {
                        assertEquals(MdConstants.RESYNC_DONE, Assembler.readSuperblock(e, d).resyncOffset(),
                                m + " clean after the last orderly stop");
                    }
                }
            }
        } catch (Throwable t) {
            TestFiles.attachLog(t, dir.resolve("daemon.log"));
            throw t;
        } finally {
            TestFiles.delete(dir);
        }
    }

    /**
     * Round {@code round}'s load: fio random writes with an fsync every 16 (load only) on one
     * region, an {@link AckedWriter} on another; the daemon is killed with SIGKILL once the writer
     * has seen a few flushes complete. Returns the writer, which knows what was promised.
     */
    private static AckedWriter loadAndKill(DaemonProcess daemon, Path dir, int round) throws Exception {
        Process fio = new ProcessBuilder("fio", "--name=load" + round, "--ioengine=nbd", "--uri=" + daemon.uri("r1"),
                "--rw=randwrite", "--bs=4k", "--iodepth=8", "--size=16M", "--fsync=16", "--time_based",
                "--runtime=60", "--verify_state_save=0", "--output-format=json").directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("fio-" + round + ".json").toFile()).start();
        try (NbdClient client = NbdClient.connect(daemon.uri("r1"))) {
            AckedWriter writer = new AckedWriter(client, WRITER_BASE, WRITER_BLOCKS, (round + 1L) << 32);
            Thread t = new Thread(writer, "acked-writer");
            t.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (writer.flushesDone() < 4 + 2L * round || writer.writesAcked() < 200) {
                assertTrue(System.currentTimeMillis() < deadline, "the writer got no flushes done");
                Thread.sleep(5);
            }
            assertTrue(fio.isAlive(), "fio was still writing when the daemon was killed");
            daemon.kill();
            t.join(30_000);
            assertTrue(!t.isAlive(), "the writer stopped when the connection broke");
            assertTrue(fio.waitFor(60, TimeUnit.SECONDS), "fio gave up after the daemon died");
            assertNotEquals(0, fio.exitValue(), "fio saw its server die");
            return writer;
        } finally {
            fio.destroyForcibly();
        }
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
        return TestFiles.uraid(daemon.control, args);
    }
}
