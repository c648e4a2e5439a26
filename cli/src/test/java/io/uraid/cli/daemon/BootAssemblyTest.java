package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.daemon.Daemon;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, safe assembly at boot: config arrays are found by UUID (DEVICE lines, devices= only
 * a hint), start degraded with the freshest members and say so, leave stale members out with
 * the reason in status and detail, and a config array that cannot start is reported by status
 * (exit 1) and ping, not only in the log. A config the daemon does not understand stops it
 * (exit 2, file:line).
 */
class BootAssemblyTest {
    private Path dir;
    private Path a;
    private Path b;
    private String uuid;
    private Daemon daemon;
    private Path control;

    @BeforeEach
    void create() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("boot-assembly", "b-");
        List<Path> members = TestFiles.mirror(dir);
        a = members.get(0);
        b = members.get(1);
        uuid = MdUuid.format(MemberExaminer.readV1(a).setUuid());
        control = dir.resolve("ctl.sock");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private String[] boot(String... configLines) throws Exception {
        Path conf = dir.resolve("uraid.conf");
        Files.write(conf, List.of(configLines));
        daemon = TestFiles.daemon(dir, "", conf);
        return TestFiles.uraid(control, "status");
    }

    @Test
    void anArrayWithoutDevicesIsFoundByUuidAmongTheDeviceGlobsAndOthersAreUntouched() throws Exception {
        Path c = TestFiles.sized(dir, "c.img", 16L << 20);
        Path d = TestFiles.sized(dir, "d.img", 16L << 20);
        try (IoEngine e = TestEngines.open(64)) {
            ArrayCreator.create(new CreateSpec("other", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1,
                    List.of(c, d), false, true), e);
        }
        String others = TestFiles.sha256(c) + TestFiles.sha256(d);
        String[] r = boot("DEVICE " + dir + "/*.img", "ARRAY mir UUID=" + uuid);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("mir : active raid1 b.img[1] a.img[0]"), r[1]);
        assertTrue(r[1].contains("[2/2] [UU]"), r[1]);
        daemon.close();
        daemon = null;
        assertEquals(others, TestFiles.sha256(c) + TestFiles.sha256(d),
                "the other array's members were only read");
    }

    @Test
    void aMemberThatMovedIsFoundByUuidNotByItsOldPath() throws Exception {
        Path moved = Files.createDirectories(dir.resolve("moved")).resolve("renamed.img");
        Files.move(b, moved);
        String[] r = boot("DEVICE " + dir + "/*/*.img", "ARRAY mir UUID=" + uuid + " devices=" + a + "," + b);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("mir : active raid1 renamed.img[1] a.img[0]"), r[1]);
    }

    @Test
    void withAMemberMissingItStartsDegradedAndSaysSoInStatus() throws Exception {
        Files.move(b, dir.resolve("elsewhere.bin"));
        String[] r = boot("ARRAY mir UUID=" + uuid + " devices=" + a + "," + b);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("[2/1] [U_]"), r[1]);
        // stdout keeps to mdstat's lines; what mdstat has no line for goes to stderr
        assertTrue(r[2].contains("mir : warning: DEGRADED: 1 of 2 members in sync, no member for role 1"), r[2]);
        assertTrue(!r[1].contains("warning"), r[1]);
    }

    @Test
    void aStaleMemberIsLeftOutWithTheReasonInStatusAndDetail() throws Exception {
        String[] w = TestFiles.offline("io", a.toString(), "--write", "--seed", "3", "--size", "1M", "--run");
        assertEquals("0", w[0], w[2]);
        String[] r = boot("ARRAY mir UUID=" + uuid + " devices=" + a + "," + b);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("[2/1] [U_]"), r[1]);
        assertTrue(r[2].contains("mir : " + b + " left out: stale (events "), r[2]);
        String[] d = TestFiles.uraid(control, "detail", "mir");
        assertTrue(d[1].contains("Left Out : " + b + ": "), d[1]);
        d = TestFiles.uraid(control, "detail", "mir", "--json");
        assertTrue(d[1].contains("\"left_out\":[{\"device\":\"" + b + "\",\"reason\":\""), d[1]);
    }

    /** An old copy of b (events behind, yet listed active by a): refused without --run, and the CLI hears why. */
    @Test
    void aRefusedAssemblyTellsTheCliWhichMemberWasLeftOutAndWhy() throws Exception {
        Path old = dir.resolve("b-old.img");
        Files.copy(b, old);
        String[] w = TestFiles.offline("io", a.toString(), b.toString(), "--write", "--seed", "4", "--size", "1M");
        assertEquals("0", w[0], w[2]);
        Files.copy(old, b, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        daemon = TestFiles.daemon(dir, "", null);
        String[] r = TestFiles.uraid(control, "assemble", "mir", a.toString(), b.toString());
        assertEquals("1", r[0], r[1]);
        assertTrue(r[2].contains("1 of 2 members present; use --run to start it degraded; " + b
                + " left out: stale (events "), r[2]);
    }

    @Test
    void aConfigArrayThatCannotStartIsReportedByStatusAndPing() throws Exception {
        String[] r = boot("ARRAY mir UUID=" + uuid + " devices=" + a + "," + b,
                "ARRAY ghost UUID=01234567:89abcdef:01234567:89abcdef devices=" + dir.resolve("gone.img"));
        assertEquals("1", r[0], "status fails while a config array is not running: " + r[1]);
        assertTrue(r[1].contains("mir : active raid1"), r[1]);
        assertTrue(r[2].contains("ghost : NOT STARTED (" + dir.resolve("uraid.conf") + ":2: no member of array "
                + "01234567:89abcdef:01234567:89abcdef found; " + dir.resolve("gone.img") + " left out: cannot open"),
                r[2]);
        assertTrue(r[2].contains("1 config array(s) not running: ghost"), r[2]);
        assertTrue(io.uraid.daemon.control.ControlClient.send(control, List.of("ping")).body()
                .contains("config array(s) NOT running: ghost"));
    }

    @Test
    void aConfigTheDaemonDoesNotUnderstandStopsItNamingFileAndLine() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.write(conf, List.of("ARRAY mir UUID=" + uuid, "ARRY typo devices=" + a));
        Cmd c = TestFiles.child("daemon", "--config", conf.toString(), "--control", control.toString(),
                "--listen", "unix:" + dir.resolve("nbd.sock"));
        assertEquals(2, c.exit(), c.output());
        assertTrue(c.output().contains("uraid: " + conf + ":2: unknown keyword 'ARRY'"), c.output());
    }

    @Test
    void relativeDevicePathsAreTheCliWorkingDirectorys() throws Exception {
        daemon = TestFiles.daemon(dir, "", null);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.uraid.cli.Main",
                "assemble", "mir", "a.img", "./b.img", "--control", control.toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("mir has been started with 2 drive(s)"), out);
        String[] r = TestFiles.uraid(control, "fail", "mir", b.toString());
        assertEquals("0", r[0], "the daemon knows the member by its full path: " + r[2]);
    }
}
