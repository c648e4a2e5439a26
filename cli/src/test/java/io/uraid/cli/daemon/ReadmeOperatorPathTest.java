package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Main;
import io.uraid.daemon.DaemonConfig;
import io.uraid.io.nativeio.UnixDatagramSocket;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's operator path, as a new user follows it, against a real {@code uraid daemon}
 * process started the way systemd starts a Type=notify unit: create on files, write the config
 * from {@code uraid examine --scan} with a PROGRAM line, start the daemon with $NOTIFY_SOCKET (a
 * datagram socket this test listens on), $WATCHDOG_USEC and $JOURNAL_STREAM, then fail a member:
 * the program receives "Fail NAME DEV", systemd hears READY=1, STATUS=, WATCHDOG=1 and
 * STOPPING=1, and the log lines carry journald priorities. Then the failed member is put back
 * and the mirror grown from two members to three with a spare ({@code uraid grow}); the config
 * written again from {@code detail --scan} starts it whole.
 */
class ReadmeOperatorPathTest {
    private Path dir;
    private DaemonProcess daemon;
    private UnixDatagramSocket systemd;

    @BeforeEach
    void setUp() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-readme", "r-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (reader != null) {
            reader.interrupt();
            reader.join(5000);
        }
        if (systemd != null) {
            systemd.close();
        }
        TestFiles.delete(dir);
    }

    /** {@code uraid ARGS} in this JVM: {exit, stdout, stderr}. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** What systemd was told so far: read as it arrives, as systemd does (a full queue would block the daemon). */
    private final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Thread reader;

    private void startReading() {
        reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    for (byte[] d; (d = systemd.poll()) != null; ) {
                        received.add(new String(d, StandardCharsets.UTF_8));
                    }
                    Thread.sleep(10);
                } catch (Exception e) {
                    return;
                }
            }
        }, "systemd-notify-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private List<String> notifications() {
        return new ArrayList<>(received);
    }

    private List<String> awaitNotification(List<String> seen, String wanted) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (seen.stream().noneMatch(n -> n.contains(wanted)) && System.currentTimeMillis() < deadline) {
            seen.clear();
            seen.addAll(notifications());
            Thread.sleep(20);
        }
        assertTrue(seen.stream().anyMatch(n -> n.contains(wanted)), wanted + " not among " + seen);
        return seen;
    }

    private static void awaitLine(Path file, String line) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).contains(line)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("'" + line + "' not received; got: "
                + (Files.exists(file) ? Files.readAllLines(file) : "nothing"));
    }

    @Test
    void configFromScanAndAFailEventReachTheProgram() throws Exception {
        try {
            walkThrough();
        } catch (Throwable t) {
            if (daemon != null) {
                TestFiles.attachLog(t, daemon.log);
            }
            throw t;
        }
    }

    private void walkThrough() throws Exception {
        Path m0 = TestFiles.sized(dir, "m0.img", 32L << 20);
        Path m1 = TestFiles.sized(dir, "m1.img", 32L << 20);
        String[] r = cli("create", "data", "--level", "1", "--raid-devices", "2", m0.toString(), m1.toString());
        assertEquals("0", r[0], r[2]);

        r = cli("examine", "--scan", m0.toString(), m1.toString());
        assertEquals("0", r[0], r[2]);
        String scan = r[1];
        assertTrue(scan.startsWith("DEVICE " + m0 + " " + m1 + "\nARRAY /dev/md/data metadata=1.2 name="), scan);
        Path received = dir.resolve("events.txt");
        Path program = dir.resolve("on-event.sh");
        Files.writeString(program, "#!/bin/sh\necho \"$@\" >> " + received + "\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        Path config = dir.resolve("uraid.conf");
        Files.writeString(config, scan + "PROGRAM " + program + "\n");
        DaemonConfig parsed = DaemonConfig.parse(config);
        assertEquals(List.of(m0, m1), parsed.arrays().get(0).devices());
        assertEquals(program, parsed.program());

        String notifyPath = dir.resolve("notify.sock").toString();
        systemd = UnixDatagramSocket.bind(notifyPath, 4096);
        startReading();
        daemon = new DaemonProcess(dir);
        Files.writeString(daemon.log, "");
        daemon.env.put("NOTIFY_SOCKET", notifyPath);
        daemon.env.put("WATCHDOG_USEC", "400000");
        // systemd's JOURNAL_STREAM is the device:inode of the stream stderr goes to: here, the log file.
        daemon.env.put("JOURNAL_STREAM", Files.getAttribute(daemon.log, "unix:dev") + ":"
                + Files.getAttribute(daemon.log, "unix:ino"));
        daemon.start(config);
        List<String> seen = awaitNotification(new ArrayList<>(), "READY=1");
        assertTrue(seen.stream().anyMatch(n -> n.startsWith("READY=1\nSTATUS=1 array")), seen.toString());
        awaitLine(received, "NewArray data");

        String[] m = TestFiles.uraid(daemon.control, "monitor", "--test", "--oneshot");
        assertEquals("0", m[0], m[2]);
        assertTrue(m[1].matches("[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d: TestMessage on data unknown device\\n"),
                m[1]);
        awaitLine(received, "TestMessage data");

        String[] d = TestFiles.uraid(daemon.control, "detail", "--scan");
        assertEquals("0", d[0], d[2]);
        assertEquals(scan.lines().filter(l -> l.startsWith("ARRAY")).toList(),
                d[1].lines().filter(l -> l.startsWith("ARRAY")).toList(), "running and on-disk views agree");

        // create left the first sync to the daemon: it runs in the background, and wait follows it
        assertTrue(List.of("0", "1").contains(ctl("wait", "data")[0]));
        assertTrue(ctl("status")[1].contains("[2/2] [UU]"), ctl("status")[1]);

        assertEquals("0", ctl("fail", "data", m1.toString())[0]);
        awaitLine(received, "Fail data " + m1);
        awaitNotification(seen, "STATUS=1 array, data degraded");
        awaitNotification(seen, "WATCHDOG=1");

        // Put it back, then grow the mirror from two to three members.
        assertEquals("0", ctl("remove", "data", m1.toString())[0]);
        assertEquals("0", ctl("add", "data", m1.toString())[0]);
        ctl("wait", "data");
        awaitLine(received, "SpareActive data " + m1);
        Path m2 = TestFiles.sized(dir, "m2.img", 32L << 20);
        assertEquals("0", ctl("add", "data", m2.toString())[0]);
        String[] g = ctl("grow", "data", "--raid-devices", "3");
        assertEquals("0", g[0], g[2]);
        ctl("wait", "data");
        awaitLine(received, "SpareActive data " + m2);
        String status = ctl("status")[1];
        assertTrue(status.contains("[3/3] [UUU]"), status);
        // The config written again from the running array, so that the next start finds the third member.
        String[] rescan = ctl("detail", "--scan");
        assertEquals("0", rescan[0], rescan[2]);
        assertTrue(rescan[1].startsWith("DEVICE " + m0 + " " + m1 + " " + m2 + "\n"), rescan[1]);
        Files.writeString(config, rescan[1] + "PROGRAM " + program + "\n");

        assertEquals(143, daemon.terminate());
        awaitNotification(seen, "STOPPING=1");
        List<String> log = Files.readAllLines(daemon.log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("<2>CRITICAL Events: event Fail data " + m1)), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("<6>INFO Daemon: uraid daemon ready")), log.toString());
        assertTrue(log.stream().allMatch(l -> l.matches("<[2-7]>\\S+ \\S+: .*")), "every line has a priority: " + log);

        daemon.start(config);
        status = ctl("status")[1];
        assertTrue(status.contains("[3/3] [UUU]"), "the grown mirror starts whole from the new config: " + status);
    }

    private String[] ctl(String... args) {
        return TestFiles.uraid(daemon.control, args);
    }
}
