package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.daemon.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 3: nothing is written to a device before it is accepted as a member of the
 * array being assembled, and {@code uraid io --verify} writes nothing at all.
 */
class NoSilentWriteTest {
    private Path dir;
    private Path a;
    private Path b;
    private Daemon daemon;

    @BeforeEach
    void create() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("no-silent-write", "w-");
        List<Path> members = TestFiles.mirror(dir);
        a = members.get(0);
        b = members.get(1);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    @Test
    void aConfigLineWithAnotherUuidLeavesTheDevicesItRejectsUntouched() throws Exception {
        String before = TestFiles.sha256(a) + TestFiles.sha256(b);
        Path conf = dir.resolve("uraid.conf");
        Files.writeString(conf, "ARRAY mir UUID=01234567:89abcdef:01234567:89abcdef devices=" + a + "," + b + "\n");
        daemon = TestFiles.daemon(dir, "", conf);
        assertEquals(0, daemon.arrays().size(), "no member carries the configured UUID");
        daemon.close();
        daemon = null;
        assertEquals(before, TestFiles.sha256(a) + TestFiles.sha256(b),
                "a rejected device must not be written (superblock, bitmap)");
    }

    @Test
    void ioVerifyWritesNothing() throws Exception {
        String[] r = TestFiles.offline("io", a.toString(), b.toString(), "--write", "--seed", "5", "--size", "1M");
        assertEquals("0", r[0], r[2]);
        String before = TestFiles.sha256(a) + TestFiles.sha256(b);
        r = TestFiles.offline("io", a.toString(), b.toString(), "--verify", "--seed", "5", "--size", "1M");
        assertEquals("0", r[0], r[2]);
        assertEquals(before, TestFiles.sha256(a) + TestFiles.sha256(b),
                "verify must leave every member byte as it was");

        r = TestFiles.offline("io", a.toString(), "--verify", "--seed", "5", "--size", "1M", "--run");
        assertEquals("0", r[0], r[2]);
        assertEquals(before, TestFiles.sha256(a) + TestFiles.sha256(b),
                "a degraded verify must not make the absent member stale");
        r = TestFiles.offline("io", a.toString(), b.toString(), "--verify", "--seed", "5", "--size", "1M");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("raid1 array mir:"), "both members still assemble as one, none stale: " + r[1]);
    }
}
