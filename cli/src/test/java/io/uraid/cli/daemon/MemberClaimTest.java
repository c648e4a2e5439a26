package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.daemon.Daemon;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 2: plain-file members are claimed for as long as an array uses them, across
 * processes, so create, io, bench and a second daemon refuse them, naming the array and pid.
 */
class MemberClaimTest {
    private Path dir;
    private Path a;
    private Path b;
    private Daemon daemon;
    private Daemon second;
    private Path control;
    private final String pid = Long.toString(ProcessHandle.current().pid());

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("member-claim", "m-");
        List<Path> members = TestFiles.mirror(dir);
        a = members.get(0);
        b = members.get(1);
        control = dir.resolve("ctl.sock");
        daemon = TestFiles.daemon(dir, "", null);
        String[] r = TestFiles.uraid(control, "assemble", "mir", a.toString(), b.toString());
        assertEquals("0", r[0], r[2]);
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

    @Test
    void membersOfARunningArrayAreRefusedToCreateIoBenchAndAnotherDaemon() throws Exception {
        MdSuperblock before = MemberExaminer.readV1(a);
        String inUse = a + " is in use by array mir (pid " + pid + ")";

        String[] r = TestFiles.offline("create", "x", "--level", "1", "--raid-devices", "2", "--force", a.toString(),
                b.toString());
        assertEquals("1", r[0], "create -f must not overwrite a running array's member: " + r[1]);
        assertTrue(r[2].contains(inUse), r[2]);

        for (String engine : new String[] {"io_uring", "portable"}) {
            r = TestFiles.offline("io", a.toString(), "--write", "--engine", engine, "--run");
            assertEquals("1", r[0], engine + ": io --write must not write through a running array's member");
            assertTrue(r[2].contains("in use by array mir (pid " + pid + ")")
                    || r[2].contains("already running as mir (pid " + pid + ")"), engine + ": " + r[2]);
        }

        r = TestFiles.offline("bench", "--raw", "--force", "--rw", "randwrite", "--bs", "4k", "--size", "1M",
                a.toString());
        assertEquals("1", r[0], "bench --raw must not write over a running array's member: " + r[1]);
        assertTrue(r[2].contains(inUse), r[2]);

        Path control2 = dir.resolve("ctl2.sock");
        second = TestFiles.daemon(dir, "2", null);
        r = TestFiles.uraid(control2, "assemble", "other", a.toString(), b.toString());
        assertEquals("1", r[0], "a second daemon must not run the same members: " + r[1]);

        MdSuperblock after = MemberExaminer.readV1(a);
        assertEquals(MdUuid.format(before.setUuid()), MdUuid.format(after.setUuid()));
        assertEquals(before.setName(), after.setName());
    }

    @Test
    void anotherProcessIsRefusedTooAndTheClaimEndsWithTheArray() throws Exception {
        Cmd c = TestFiles.child("create", "y", "--level", "1", "--raid-devices", "2", "--force", a.toString(),
                b.toString());
        assertEquals(1, c.exit(), "another process must not create over a running array's members: " + c.output());
        assertTrue(c.output().contains(a + " is in use by array mir (pid " + pid + ")"), c.output());

        assertEquals("0", TestFiles.uraid(control, "stop", "mir")[0]);
        c = TestFiles.child("io", a.toString(), b.toString(), "--verify", "--seed", "9", "--size", "64K");
        assertTrue(!c.output().contains("in use"), "the claim ends when the array stops: " + c.output());
    }
}
