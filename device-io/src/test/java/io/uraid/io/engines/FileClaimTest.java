package io.uraid.io.engines;

import static io.uraid.io.engines.EngineHarness.assumeEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.OpenOptions;
import io.uraid.io.nativeio.TestDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plain-file members are claimed like block devices (issue 10, item 2): an exclusive open of a
 * regular file takes a lock that a second exclusive open, through any engine of this or another
 * process, is refused by; read-only exclusive opens share it; non-exclusive opens (examine)
 * ignore it; closing releases it.
 */
class FileClaimTest {
    private Path dir;
    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        dir = TestDirs.create("file-claim");
        file = dir.resolve("member.img");
        try (RandomAccessFile r = new RandomAccessFile(file.toFile(), "rw")) {
            r.setLength(1 << 20);
        }
    }

    @AfterEach
    void tearDown() {
        TestDirs.delete(dir);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void aSecondExclusiveOpenOfAFileIsRefusedByEveryEngine(EngineKind kind) throws IOException {
        assumeEngine(kind);
        try (IoEngine e = IoEngines.open(kind, 4)) {
            try (BlockDevice first = e.open(file, OpenOptions.DEFAULT)) {
                for (EngineKind other : EngineKind.values()) {
                    if (IoEngines.unavailabilityCause(other) != null) {
                        continue;
                    }
                    try (IoEngine o = IoEngines.open(other, 4)) {
                        DeviceBusyException ex = assertThrows(DeviceBusyException.class,
                                () -> o.open(file, OpenOptions.DEFAULT), kind + " then " + other);
                        assertEquals(file + ": cannot open: file is in use (claimed by another open of it: an "
                                + "array, a uraid command or another program)", ex.getMessage());
                        assertThrows(DeviceBusyException.class,
                                () -> o.open(file, OpenOptions.READ_ONLY.withExclusive(true)),
                                "a read-only claim waits for the writer too");
                        try (BlockDevice ro = o.open(file, OpenOptions.READ_ONLY)) {
                            assertEquals(first.size(), ro.size(), "examine still reads it");
                        }
                    }
                }
            }
            try (BlockDevice again = e.open(file, OpenOptions.DEFAULT)) {
                assertEquals(1 << 20, again.size(), "closing released the claim");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void readOnlyClaimsShareButKeepWritersOut(EngineKind kind) throws IOException {
        assumeEngine(kind);
        OpenOptions sharedRead = OpenOptions.READ_ONLY.withExclusive(true);
        try (IoEngine e = IoEngines.open(kind, 4); BlockDevice r1 = e.open(file, sharedRead);
             BlockDevice r2 = e.open(file, sharedRead)) {
            assertThrows(DeviceBusyException.class, () -> e.open(file, OpenOptions.DEFAULT));
            assertTrue(r1.size() == r2.size());
        }
    }

    /** The claim holds against another process: flock(1) there cannot take it, and it gets it after close. */
    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void anotherProcessSeesTheClaim(EngineKind kind) throws Exception {
        assumeEngine(kind);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")),
                "python3 is not installed");
        String probe = "import fcntl,sys\nf=open(sys.argv[1],'r+b')\n"
                + "try:\n fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB); print('free')\n"
                + "except OSError: print('held')\n";
        try (IoEngine e = IoEngines.open(kind, 4)) {
            try (BlockDevice d = e.open(file, OpenOptions.DEFAULT)) {
                assertEquals("held", run("/usr/bin/python3", "-c", probe, file.toString()));
            }
            assertEquals("free", run("/usr/bin/python3", "-c", probe, file.toString()));
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
