package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.report.MemberExaminer;
import io.uraid.daemon.Daemon;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 1: an array runs once per daemon and per host, and halves of a mirror that
 * ran apart are never merged: a degraded start records the absent role in the running
 * member's superblock (md's {@code Array State : A.}), so the other half comes back refused.
 */
class OneOwnerTest {
    private Path dir;
    private Path a;
    private Path b;
    private Daemon daemon;
    private Daemon second;
    private Path control;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("one-owner", "o-");
        List<Path> members = TestFiles.mirror(dir);
        a = members.get(0);
        b = members.get(1);
        control = dir.resolve("ctl.sock");
        daemon = TestFiles.daemon(dir, "", null);
    }

    @AfterEach
    void stop() throws Exception {
        if (second != null) {
            second.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    @Test
    void theOtherHalfOfARunningArrayIsRefusedInTheSameDaemonInAnotherDaemonAndOffline() throws Exception {
        String[] r = uraid("assemble", "p", a.toString(), "--run");
        assertEquals("0", r[0], r[2]);

        r = uraid("assemble", "q", b.toString(), "--run");
        assertEquals("1", r[0], "the same array UUID must not start twice in one daemon: " + r[1]);
        assertTrue(r[2].contains("already running as p"), r[2]);

        Path control2 = dir.resolve("ctl2.sock");
        second = TestFiles.daemon(dir, "2", null);
        r = TestFiles.uraid(control2, "assemble", "q", b.toString(), "--run");
        assertEquals("1", r[0], "a second daemon on the host must not start it either: " + r[1]);
        assertTrue(r[2].contains("already running as p (pid " + ProcessHandle.current().pid() + ")"), r[2]);

        r = TestFiles.offline("io", b.toString(), "--verify", "--run");
        assertEquals("1", r[0], "nor an offline uraid io: " + r[1]);
        assertTrue(r[2].contains("already running as p"), r[2]);

        assertEquals("0", uraid("stop", "p")[0]);
        r = uraid("assemble", "q", b.toString(), a.toString());
        assertEquals("0", r[0], "once stopped the array may start again, under any name: " + r[2]);
    }

    @Test
    void halvesThatRanApartAreNeverMerged() throws Exception {
        String[] r = TestFiles.offline("io", a.toString(), "--write", "--seed", "1", "--run");
        assertEquals("0", r[0], r[2]);
        r = TestFiles.offline("io", b.toString(), "--write", "--seed", "2", "--run");
        assertEquals("0", r[0], r[2]);

        String examineA = MemberExaminer.text(a, java.time.ZoneOffset.UTC, "testhost");
        String examineB = MemberExaminer.text(b, java.time.ZoneOffset.UTC, "testhost");
        assertTrue(examineA.contains("Array State : A. "), "a ran without b: " + examineA);
        assertTrue(examineB.contains("Array State : .A "), "b ran without a: " + examineB);

        r = uraid("assemble", "r", a.toString(), b.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("r has been started with 1 drive(s) (out of 2)"), r[1]);
        assertTrue(r[1].contains(b + " left out: "), "the CLI that asked is told why: " + r[1]);
        r = uraid("status");
        assertTrue(r[1].contains("[2/1] [U_]"), r[1]);
        assertTrue(r[2].contains("r : " + b + " left out: "), "status says why (stderr: not an mdstat line): " + r[2]);
        assertEquals("0", uraid("stop", "r")[0]);

        r = TestFiles.offline("io", a.toString(), b.toString(), "--verify", "--seed", "1");
        assertEquals("0", r[0], "a's writes are whole, none of b's mixed in: " + r[1] + r[2]);
        r = TestFiles.offline("io", b.toString(), "--verify", "--seed", "2", "--run");
        assertEquals("0", r[0], "b was left as it was, never rebuilt from a behind the user's back: " + r[2]);
    }
}
