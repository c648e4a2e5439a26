package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.report.MemberExaminer;
import io.uraid.io.nativeio.LinuxNative;
import io.uraid.io.nativeio.LoopDevice;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * zero-superblock on block devices: refused while another program holds the device exclusively
 * (as the kernel's md or a mount would), nothing written; done once it is free; mdadm agrees the
 * superblock is gone.
 */
class ZeroSuperblockLoopTest {
    @Test
    void aDeviceHeldExclusivelyIsRefusedAndAFreeOneZeroed() throws Exception {
        LoopDevice.assumeAvailable();
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("user.dir"), "target",
                "zero-loop")), "z-");
        List<LoopDevice> loops = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path f = dir.resolve("m" + i + ".img");
                try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
                    r.setLength(32L << 20);
                }
                loops.add(LoopDevice.attach(f, 512));
            }
            String a = loops.get(0).path().toString();
            String b = loops.get(1).path().toString();
            String control = dir.resolve("no-daemon.sock").toString();
            assertEquals(0, run("create", "z", "--level", "1", "--raid-devices", "2", "--bitmap", "none", a, b)[0]);
            int holder = LinuxNative.open(a, LinuxNative.O_RDONLY | LinuxNative.O_EXCL, 0);
            assertTrue(holder >= 0, "claim " + a + ": errno " + -holder);
            try {
                Object[] r = run("zero-superblock", "--control", control, a);
                assertEquals(1, r[0]);
                assertTrue(((String) r[2]).contains("is in use"), (String) r[2]);
            } finally {
                LinuxNative.close(holder);
            }
            assertNotNull(MemberExaminer.readV1(loops.get(0).path()), "nothing written while it was held");
            Object[] r = run("zero-superblock", "--control", control, a);
            assertEquals(0, r[0], (String) r[2]);
            assertNull(MemberExaminer.readV1(loops.get(0).path()));
            Process p = new ProcessBuilder("mdadm", "--examine", a).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor() != 0 && out.contains("No md superblock"), "mdadm agrees: " + out);
        } finally {
            for (LoopDevice l : loops) {
                l.close();
            }
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Object[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Object[] {code, out.toString(), err.toString()};
    }
}
