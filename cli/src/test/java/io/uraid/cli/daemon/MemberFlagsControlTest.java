package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.daemon.Daemon;
import io.uraid.io.testing.RequiredTools;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * md's member flags changed while the array runs ({@code uraid flags}, as mdadm's
 * --writemostly/--readwrite/--failfast/--nofailfast), and set on a device being added
 * ({@code uraid add -W --failfast}): status, detail and the member's superblock (read by mdadm)
 * follow; bad requests are refused with one line.
 */
class MemberFlagsControlTest {
    private Path dir;
    private List<Path> mirror;
    private Daemon daemon;
    private Path control;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("member-flags", "f-");
        mirror = TestFiles.mirror(dir);
        daemon = TestFiles.daemon(dir, "", null);
        control = dir.resolve("ctl.sock");
        String[] r = TestFiles.uraid(control, "assemble", "mir", mirror.get(0).toString(), mirror.get(1).toString());
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
    void flagsSetAndClearedAtRuntimeReachStatusDetailAndTheSuperblock() throws Exception {
        RequiredTools.require("mdadm", "mdadm");
        String b = mirror.get(1).toString();
        String[] r = TestFiles.uraid(control, "flags", "mir", b, "--write-mostly", "--failfast");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("write-mostly failfast"), r[1]);
        assertTrue(TestFiles.uraid(control, "status")[1].contains("b.img[1](W)"));
        assertTrue(TestFiles.uraid(control, "detail", "mir")[1].contains("active sync writemostly failfast"));
        assertTrue(awaitExamine(mirror.get(1), "Flags : write-mostly failfast"), "mdadm reads the flags");

        r = TestFiles.uraid(control, "flags", "mir", b, "--readwrite");
        assertEquals("0", r[0], r[2]);
        assertFalse(TestFiles.uraid(control, "status")[1].contains("(W)"));
        assertTrue(awaitExamine(mirror.get(1), "Flags : failfast"), "write-mostly cleared, failfast kept");
        assertEquals("0", TestFiles.uraid(control, "stop", "mir")[0]);
        String examine = Cmd.run(30, "mdadm", "--examine", b).ok("mdadm --examine").output();
        assertTrue(examine.contains("Flags : failfast") && !examine.contains("write-mostly"), examine);
    }

    @Test
    void aFailedMemberReAddedWithWriteMostlyKeepsIt() throws Exception {
        String b = mirror.get(1).toString();
        assertEquals("0", TestFiles.uraid(control, "fail", "mir", b)[0]);
        String[] r = TestFiles.uraid(control, "add", "mir", b, "--write-mostly");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("re-added"), r[1]);
        MirrorChecks.awaitInSync(control, "[2/2] [UU]", 60);
        assertTrue(TestFiles.uraid(control, "status")[1].contains("b.img[1](W)"));
    }

    @Test
    void badRequestsAreRefusedWithOneLine() throws Exception {
        String b = mirror.get(1).toString();
        String[] r = TestFiles.uraid(control, "flags", "mir", b);
        assertEquals("2", r[0], "nothing to change is bad usage: " + r[2]);
        r = TestFiles.uraid(control, "flags", "mir", b, "--write-mostly", "--readwrite");
        assertEquals("2", r[0], "set and clear at once: " + r[2]);
        r = TestFiles.uraid(control, "flags", "mir", dir.resolve("other.img").toString(), "--failfast");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("is not a member of mir"), r[2]);
        assertEquals(1, r[2].trim().split("\n").length, "one line: " + r[2]);
        r = TestFiles.uraid(control, "flags", "nope", b, "--failfast");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no array named nope"), r[2]);
    }

    /** Waits (10 s at most) until mdadm --examine of {@code member} prints {@code line}. */
    private static boolean awaitExamine(Path member, String line) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (Cmd.run(30, "mdadm", "--examine", member.toString()).output().contains(line)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
