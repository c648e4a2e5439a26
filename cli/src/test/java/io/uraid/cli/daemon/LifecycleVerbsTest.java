package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.DaemonConfig;
import io.uraid.daemon.events.MdEvent;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mdadm-like lifecycle verbs against a daemon in this JVM, with background sync slowed to
 * md-like speeds (speed_limit_max) so passes can be watched: wait, check --abort, readonly and
 * readwrite seen by a real NBD client, zero-superblock, detail --scan, and the monitor's events
 * for a rebuild.
 */
class LifecycleVerbsTest {
    private Path dir;
    private final List<Path> mirror = new ArrayList<>();
    private final List<Path> stripe = new ArrayList<>();
    private Daemon daemon;
    private Path control;
    private final List<MdEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-lifecycle", "l-");
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
        System.setProperty(Daemon.SPEED_LIMIT_MAX, "4000"); // 16 MiB take about 4 s
        daemon = Daemon.start(new Daemon.Options(null, control, List.of(Endpoint.unix(dir.resolve("nbd.sock"))),
                null));
        daemon.events().listen(events::add);
        assertEquals("0", uraid("assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString())[0]);
        assertEquals("0", uraid("assemble", "str", stripe.get(0).toString(), stripe.get(1).toString())[0]);
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(Daemon.SPEED_LIMIT_MAX);
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    private List<String> eventLines() {
        return events.stream().map(MdEvent::toString).toList();
    }

    /**
     * md's events for a member failed, removed and replaced by a spare that is rebuilt, as the
     * event program gets them (a listener from before the assembly), as a {@code uraid monitor}
     * that was already following sees them, and as {@code monitor --from 1} replays them: all
     * of them, in order, with the component of each. The daemon reports each change as it
     * happens, so none is lost however quickly the commands follow one another.
     */
    @Test
    void waitFollowsARebuildAndTheMonitorReportsItLikeMdadm() throws Exception {
        assertEquals("1", uraid("wait", "mir")[0], "nothing running: mdadm --wait fails too");
        Follower monitor = Follower.start(control, "--test");
        monitor.await("TestMessage on mir unknown device"); // following from here on
        assertEquals("0", uraid("fail", "mir", mirror.get(1).toString())[0]);
        assertEquals("0", uraid("remove", "mir", mirror.get(1).toString())[0]);
        Path spare = TestFiles.sized(dir, "spare.img", 16L << 20);
        assertEquals("0", uraid("add", "mir", spare.toString())[0]);
        String status = uraid("status")[1];
        assertTrue(status.matches("(?s).*\\n      \\[=*>\\.+]  recovery =[ \\d]{3}\\.\\d% \\(\\d+/15360\\) "
                + "finish=\\d+\\.\\dmin speed=\\d+K/sec\\n.*"), "mdstat's progress line: " + status);
        String[] r = uraid("wait", "mir");
        assertEquals("0", r[0], "exit 0: it saw the rebuild running and waited for its end; " + r[2]);
        assertFalse(r[2].contains("\r") || r[2].contains("["), "no progress bar when not at a terminal: " + r[2]);
        assertTrue(uraid("status")[1].contains("[2/2] [UU]"), uraid("status")[1]);
        List<String> rebuild = List.of("Fail mir " + mirror.get(1), "RebuildStarted mir", "Rebuild20 mir",
                "Rebuild40 mir", "Rebuild60 mir", "Rebuild80 mir", "RebuildFinished mir", "SpareActive mir " + spare);
        monitor.await("SpareActive on mir " + spare);
        assertEquals(rebuild.stream().map(LifecycleVerbsTest::mdadmLine).toList(),
                monitor.lines().stream().filter(l -> l.contains(" on mir ") && !l.startsWith("TestMessage")).toList(),
                "what the following monitor printed");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!eventLines().contains("SpareActive mir " + spare) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<String> program = new ArrayList<>(List.of("NewArray mir"));
        program.addAll(rebuild);
        assertEquals(program, eventLines().stream().filter(e -> e.contains(" mir") && !e.startsWith("TestMessage"))
                .toList(), "what the event program was given");
        String[] replay = uraid("monitor", "--from", "1", "--oneshot");
        assertEquals("0", replay[0], replay[2]);
        assertEquals(events.stream().map(e -> mdadmLine(e.toString())).toList(),
                replay[1].lines().map(l -> l.substring(l.indexOf(": ") + 2)).toList(),
                "every event since the daemon started, in order, replayed from the daemon's log");
        assertEquals("2", uraid("monitor", "--from", "0")[0], "event numbers start at 1");
    }

    /** "Fail mir /dev/x" as mdadm --monitor prints it without the time: "Fail on mir /dev/x". */
    private static String mdadmLine(String event) {
        String[] w = event.split(" ", 3);
        return w[0] + " on " + w[1] + " " + (w.length == 3 ? w[2] : "unknown device");
    }

    /** {@code uraid monitor ARGS} run in this JVM until the daemon stops, its lines without the time. */
    private static final class Follower {
        private final java.io.StringWriter out = new java.io.StringWriter();

        static Follower start(Path control, String... args) {
            Follower f = new Follower();
            List<String> all = new ArrayList<>(List.of("monitor"));
            all.addAll(List.of(args));
            all.addAll(List.of("--control", control.toString()));
            Thread t = new Thread(() -> io.uraid.cli.Main.commandLine(new java.io.PrintWriter(f.out, true),
                    new java.io.PrintWriter(new java.io.StringWriter(), true)).execute(all.toArray(new String[0])),
                    "test-monitor");
            t.setDaemon(true);
            t.start();
            return f;
        }

        List<String> lines() {
            return out.toString().lines().map(l -> l.substring(l.indexOf(": ") + 2)).toList();
        }

        void await(String line) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!lines().contains(line) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(lines().contains(line), "the monitor printed '" + line + "': " + lines());
        }
    }

    @Test
    void checkAbortStopsACheckButNotARebuild() throws Exception {
        String[] r = uraid("check", "mir", "--abort");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no check or repair is running"), r[2]);
        assertEquals("0", uraid("check", "mir")[0]);
        Thread.sleep(300);
        r = uraid("check", "mir", "--abort");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].matches("check of mir aborted at \\d+\\.\\d%\\n"), r[1]);
        assertTrue(uraid("detail", "mir", "--json")[1].contains("\"sync_action\":\"idle\""));
        assertEquals("1", uraid("wait", "mir")[0], "nothing left to wait for");
        assertEquals("2", uraid("check", "mir", "--wait", "--abort")[0], "usage");
    }

    @Test
    void readonlyIsWhatNbdClientsSee() throws Exception {
        RequiredTools.require("nbdinfo", "libnbd-bin");
        RequiredTools.require("nbdcopy", "libnbd-bin");
        String uri = "nbd+unix:///mir?socket=" + dir.resolve("nbd.sock").toAbsolutePath();
        Path data = dir.resolve("data.bin");
        Files.write(data, new byte[1 << 20]);
        assertTrue(Cmd.run(30, "nbdinfo", "--json", uri).output().contains("\"is_read_only\": false"));
        String[] r = uraid("readonly", "mir");
        assertEquals("0", r[0], r[2]);
        assertEquals("mir is now read-only\n", r[1]);
        assertTrue(uraid("status")[1].contains("mir : active (read-only) raid1 "), uraid("status")[1]);
        assertTrue(Cmd.run(30, "nbdinfo", "--json", uri).output().contains("\"is_read_only\": true"),
                "NBD_FLAG_READ_ONLY at negotiation");
        Cmd copy = Cmd.run(60, "nbdcopy", data.toString(), uri);
        assertTrue(copy.exit() != 0, "a write to the read-only export fails: " + copy.output());
        assertTrue(copy.output().toLowerCase(java.util.Locale.ROOT).contains("read")
                || copy.output().contains("not permitted"), copy.output());
        assertEquals("0", uraid("readwrite", "mir")[0]);
        assertTrue(Cmd.run(30, "nbdinfo", "--json", uri).output().contains("\"is_read_only\": false"));
        Cmd.run(60, "nbdcopy", data.toString(), uri).ok("writable again");
        assertEquals("2", uraid("readonly")[0], "usage");
    }

    @Test
    void zeroSuperblockRefusesAMemberOfARunningArray() throws Exception {
        String[] r = uraid("zero-superblock", stripe.get(0).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("belongs to running array str"), r[2]);
        assertTrue(MemberExaminer.readV1(stripe.get(0)) != null, "nothing written");
        assertEquals("0", uraid("stop", "str")[0]);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!eventLines().contains("DeviceDisappeared str") && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("NewArray str", "DeviceDisappeared str"),
                eventLines().stream().filter(e -> e.endsWith(" str")).toList(), "a stopped array disappears");
        try (var held = io.uraid.io.FileClaim.tryClaim(stripe.get(0), false, false)) {
            assertTrue(held != null, "claimed here, as another program would");
            r = uraid("zero-superblock", stripe.get(0).toString());
            assertEquals("1", r[0]);
            assertTrue(r[2].contains("is in use"), r[2]);
        }
        r = uraid("zero-superblock", stripe.get(0).toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(null, MemberExaminer.readV1(stripe.get(0)), "superblock gone");
        assertTrue(MemberExaminer.readV1(stripe.get(1)) != null, "the other member untouched");
        r = uraid("zero-superblock", stripe.get(0).toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no md superblock"), r[2]);
        r = uraid("assemble", "str", stripe.get(0).toString(), stripe.get(1).toString());
        assertEquals("1", r[0], "a zeroed member no longer assembles: " + r[1]);
    }

    @Test
    void detailScanPrintsLinesTheConfigAccepts() throws Exception {
        String[] r = uraid("detail", "--scan");
        assertEquals("0", r[0], r[2]);
        String text = r[1];
        assertTrue(text.startsWith("DEVICE " + mirror.get(0) + " " + mirror.get(1) + " " + stripe.get(0) + " "
                + stripe.get(1) + "\n"), text);
        assertTrue(text.matches("(?s).*\\nARRAY /dev/md/mir metadata=1\\.2 name=testhost:mir UUID=[0-9a-f:]{35}\\n"
                + "   devices=" + mirror.get(0) + "," + mirror.get(1) + "\\n.*"), text);
        DaemonConfig c = DaemonConfig.parse("scan", List.of(text.split("\n")));
        assertEquals(List.of("mir", "str"), c.arrays().stream().map(DaemonConfig.ArrayEntry::name).toList());
        assertEquals(mirror, c.arrays().get(0).devices());
        assertEquals("2", uraid("detail", "--scan", "mir")[0], "NAME or --scan");
    }
}
