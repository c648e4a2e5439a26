package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Main;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.TestEngines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI's management verbs against a daemon running in this JVM, on RAID1 and RAID0 member files. */
class DaemonControlTest {
    private Path dir;
    private final List<Path> mirror = new ArrayList<>();
    private final List<Path> stripe = new ArrayList<>();
    private Daemon daemon;
    private Path control;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-control", "c-");
        for (int i = 0; i < 4; i++) {
            (i < 2 ? mirror : stripe).add(TestFiles.sized(dir, "m" + i + ".img", 16L << 20));
        }
        try (IoEngine e = TestEngines.open(64)) {
            ArrayCreator.create(new CreateSpec("mir", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, mirror,
                    false, true), e);
            ArrayCreator.create(new CreateSpec("str", "testhost", LevelRegistry.byName("raid0"), 2, 64 << 10, -1,
                    stripe, false, true), e);
        }
        control = dir.resolve("ctl.sock");
        daemon = Daemon.start(new Daemon.Options(null, control, List.of(Endpoint.unix(dir.resolve("nbd.sock"))),
                new InetSocketAddress("127.0.0.1", 0)));
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

    @Test
    void controlSocketIsOwnerOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
    }

    @Test
    void assembleStatusDetailFailStop() throws Exception {
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("mir has been started with 2 drive(s)"), r[1]);
        r = uraid("assemble", "str", stripe.get(0).toString(), stripe.get(1).toString());
        assertEquals("0", r[0], r[2]);

        r = uraid("status");
        assertEquals("0", r[0], r[2]);
        // The kernel lists the personalities it has, in module order, not only those in use.
        // The kernel with md and raid456 loaded prints this very line (seen under uml-run).
        assertTrue(r[1].startsWith("Personalities : [linear] [raid0] [raid1] [raid10] [raid6] [raid5] [raid4] \n"), r[1]);
        assertTrue(r[1].contains("mir : active raid1 m1.img[1] m0.img[0]"), r[1]);
        assertTrue(r[1].contains("[2/2] [UU]"), r[1]);
        assertTrue(r[1].contains("str : active raid0 m3.img[1] m2.img[0]"), r[1]);

        r = uraid("detail", "mir");
        assertEquals("0", r[0], r[2]);
        // Where md names /dev/mdX, uraid names what clients open: the export URI.
        assertTrue(r[1].startsWith("nbd+unix:///mir?socket=" + dir.resolve("nbd.sock").toAbsolutePath() + ":\n"), r[1]);
        assertTrue(r[1].matches("(?s).*State : (clean|active) \n.*"), r[1]);
        r = uraid("detail", "mir", "--json");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].trim().startsWith("{") && r[1].contains("mir"), r[1]);

        r = uraid("fail", "mir", mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        r = uraid("detail", "mir");
        assertTrue(r[1].contains("degraded"), r[1]);
        assertTrue(uraid("status")[1].contains("[2/1] [U_]"));
        r = uraid("fail", "mir", mirror.get(0).toString());
        assertEquals("1", r[0], "failing the last good copy is refused");
        assertTrue(r[2].startsWith("uraid: refusing to fail"), r[2]);
        r = uraid("fail", "str", stripe.get(0).toString());
        assertEquals("1", r[0], "raid0 cannot lose a member");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + daemon.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("node_md_state{device=\"mir\",state=\"active\"} 1"), metrics);
        assertTrue(metrics.contains("node_md_disks{device=\"mir\",state=\"active\"} 1"), metrics);
        assertTrue(metrics.contains("node_md_disks{device=\"mir\",state=\"failed\"} 1"), metrics);
        assertTrue(metrics.contains("node_md_disks_required{device=\"str\"} 2"), metrics);
        assertTrue(metrics.contains("# TYPE uraid_member_read_time_seconds_total counter"), metrics);

        r = uraid("remove", "mir", mirror.get(0).toString());
        assertEquals("1", r[0], "an active member cannot be removed");
        assertTrue(r[2].contains("fail it first"), r[2]);
        r = uraid("remove", "mir", mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("hot removed"), r[1]);
        r = uraid("status");
        assertTrue(r[1].contains("mir : active raid1 m0.img[0]\n"), r[1]);
        assertTrue(r[1].contains("[2/1] [U_]"), r[1]);
        r = uraid("remove", "mir", mirror.get(1).toString());
        assertEquals("1", r[0], "no longer a member");
        Path spare = TestFiles.sized(dir, "spare.img", 16L << 20);
        r = uraid("add", "mir", spare.toString());
        assertEquals("0", r[0], r[2]);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!uraid("status")[1].contains("[2/2] [UU]") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        r = uraid("status");
        assertTrue(r[1].contains("mir : active raid1 spare.img[") && r[1].contains("[2/2] [UU]"),
                "the spare took the empty role and was rebuilt: " + r[1]);

        r = uraid("stop", "str");
        assertEquals("0", r[0], r[2]);
        r = uraid("detail", "str");
        assertEquals("1", r[0]);
        assertEquals("uraid: no array named str is running", r[2].trim());
        r = uraid("assemble", "str", stripe.get(0).toString(), stripe.get(1).toString());
        assertEquals("0", r[0], "a stopped array can be assembled again: " + r[2]);
    }

    @Test
    void aHotSpareSurvivesStopAndAssemble() throws Exception {
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        Path spare = TestFiles.sized(dir, "spare.img", 16L << 20);
        r = uraid("add", "mir", spare.toString());
        assertEquals("0", r[0], r[2]);
        r = uraid("add", "mir", spare.toString());
        assertEquals("1", r[0], "a waiting spare is not added twice");
        assertTrue(r[2].contains("is already a spare of mir"), r[2]);
        assertEquals("0", uraid("stop", "mir")[0]);

        r = uraid("assemble", "mir", spare.toString(), mirror.get(1).toString(), mirror.get(0).toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("started with 2 drive(s) (out of 2) and 1 spare(s)"), r[1]);
        r = uraid("detail", "mir");
        assertTrue(r[1].contains("     Spare Devices : 1\n"), r[1]);
        assertTrue(r[1].contains("-      spare   " + spare), r[1]);
        r = uraid("status");
        assertTrue(r[1].contains("mir : active raid1 spare.img[2](S) m1.img[1] m0.img[0]\n"), r[1]);
        r = uraid("fail", "mir", mirror.get(0).toString());
        assertEquals("0", r[0], r[2]);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!uraid("status")[1].contains("[2/2] [UU]") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        r = uraid("detail", "mir");
        assertTrue(r[1].matches("(?s).*\\n\\s+2\\s+0\\s+0\\s+0\\s+active sync   " + spare + "\\n.*"),
                "the spare was rebuilt into role 0: " + r[1]);
        assertTrue(r[1].contains("     Spare Devices : 0\n"), r[1]);
    }

    @Test
    void aWaitingSpareCanBeRemovedAnActiveMemberCannot() throws Exception {
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        Path spare = TestFiles.sized(dir, "spare.img", 16L << 20);
        assertEquals("0", uraid("add", "mir", spare.toString())[0]);
        assertTrue(uraid("status")[1].contains("spare.img[2](S)"));

        r = uraid("remove", "mir", spare.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("hot removed " + spare + " from mir", r[1].trim());
        r = uraid("detail", "mir");
        assertTrue(r[1].contains("     Spare Devices : 0\n"), r[1]);
        assertTrue(!r[1].contains(spare.toString()), "the spare is gone from the detail: " + r[1]);
        r = uraid("remove", "mir", spare.toString());
        assertEquals("1", r[0], "removed already");
        assertTrue(r[2].contains("is not a member of mir"), r[2]);
        r = uraid("remove", "mir", mirror.get(1).toString());
        assertEquals("1", r[0], "an active in-sync member cannot be removed");
        assertTrue(r[2].contains("is an active member of mir; fail it first"), r[2]);

        // The device is closed and free again: it can be added back (its superblock still says spare).
        r = uraid("add", "mir", spare.toString());
        assertEquals("0", r[0], r[2]);
        r = uraid("fail", "mir", mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!uraid("status")[1].contains("[2/2] [UU]") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(uraid("status")[1].contains("[2/2] [UU]"), "the re-added spare was rebuilt into role 1");
    }

    @Test
    void aRebuildCutShortResumesWhenTheDaemonAssemblesTheArray() throws Exception {
        Path spare = TestFiles.sized(dir, "spare.img", 16L << 20);
        var slow = io.uraid.core.assembly.AssembleOptions.DEFAULT.withRedundancy(
                io.uraid.core.sync.RedundancyOptions.DEFAULT.withSyncSpeed(2L << 20, 4L << 20));
        try (var open = io.uraid.core.assembly.Assembler.assemble(mirror, slow, TestEngines.open(256));
             IoEngine prep = TestEngines.open(8)) {
            open.addSpare(spare, prep, false);
            assertTrue(open.array().fail(1));
            long until = System.currentTimeMillis() + 30_000;
            while (open.redundancy().syncStatus().doneBytes() < (4L << 20) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertTrue(open.redundancy().syncStatus().running(), "stopped while rebuilding");
        }
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString(), spare.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("started with 1 drive(s) (out of 2), 1 rebuilding"), r[1]);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!uraid("status")[1].contains("[2/2] [UU]") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        r = uraid("detail", "mir");
        assertTrue(r[1].matches("(?s).*\\n\\s+2\\s+0\\s+0\\s+1\\s+active sync   " + spare + "\\n.*"),
                "the spare finished its rebuild into role 1: " + r[1]);
        String table = r[1].substring(r[1].indexOf("    Number   Major"));
        assertTrue(!table.contains(mirror.get(1).toString()), "the failed member stays out: " + r[1]);
        assertTrue(r[1].contains("Left Out : " + mirror.get(1) + ": "), "and detail says why: " + r[1]);
    }

    @Test
    void benchDrivesAnExportOfTheDaemon() {
        String[] r = uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
        assertEquals("0", r[0], r[2]);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("bench", "--nbd",
                "nbd+unix:///mir?socket=" + dir.resolve("nbd.sock"), "--rw", "randrw", "--bs", "4k", "--iodepth", "16",
                "--runtime", "0.5", "--ramp", "0", "--verify", "--json");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("\"nbd\""), out.toString());
    }

    @Test
    void badRequestsGetOneLineErrors() {
        String[] r = uraid("assemble", "mir", mirror.get(0).toString());
        assertEquals("1", r[0], "one of two mirror halves without --run");
        assertTrue(r[2].contains("use --run"), r[2]);
        r = uraid("assemble", "mir", mirror.get(0).toString(), "--run");
        assertEquals("0", r[0], r[2]);
        r = uraid("assemble", "mir", mirror.get(1).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("already running"), r[2]);
        r = uraid("assemble", "x", dir.resolve("nope.img").toString());
        assertEquals("1", r[0]);
        assertEquals(1, r[2].trim().split("\n").length, "one line: " + r[2]);
        r = uraid("fail", "mir", stripe.get(0).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("is not a member of mir"), r[2]);
        r = uraid("add", "mir", mirror.get(0).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("already an active member"), r[2]);
        r = uraid("detail");
        assertEquals("2", r[0], "missing NAME is bad usage");
    }

    @Test
    void aSecondDaemonOnTheSameControlSocketIsRefusedAndBadOptionsAreUsageErrors() throws Exception {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Daemon.start(new Daemon.Options(null, control, List.of(Endpoint.unix(dir.resolve("n2.sock"))),
                        null)));
        assertTrue(e.getMessage().contains("another server is already listening there"), e.getMessage());
        assertEquals("0", uraid("status")[0], "the first daemon keeps running");
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true))
                .execute("daemon", "--listen", "udp:1234", "--control", dir.resolve("c2.sock").toString());
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("uraid: bad listen address 'udp:1234'"), err.toString());
        for (String[] bad : new String[][] {{"lots", "uraid: --read-cache: not a size: 'lots'"},
            {"100", "uraid: read cache must be 0 (none) or at least 4096 bytes: 100"}}) {
            StringWriter cacheErr = new StringWriter();
            code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(cacheErr, true))
                    .execute("daemon", "--read-cache", bad[0], "--control", dir.resolve("c3.sock").toString(),
                            "--listen", "unix:" + dir.resolve("n3.sock"));
            assertEquals(2, code, cacheErr.toString());
            assertTrue(cacheErr.toString().startsWith(bad[1]), cacheErr.toString());
        }
    }

    @Test
    void noDaemonIsAClearOneLineFailure() throws Exception {
        daemon.close();
        daemon = null;
        String[] r = uraid("status");
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("uraid: no uraid daemon is running"), r[2]);
        assertEquals(1, r[2].trim().split("\n").length);
    }
}
