package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Main;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.testing.UserModeLinux;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel agrees on a degraded start (issue 10, item 1): after uraid starts a raid1 with one
 * member and writes, {@code mdadm --examine} sees the absent role missing ({@code Array State :
 * A.}) and the absent member behind, and {@code mdadm --assemble} of both halves takes only the
 * one uraid ran, with its data; halves that uraid ran apart are never merged by the kernel
 * either. One boot of user-mode Linux (about 10 s).
 */
class DegradedStartKernelTest {
    private static final long SIZE = 32L << 20;
    private static final int MIB = 1 << 20;
    private Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void mdSeesTheAbsentRoleMissingAndNeverMergesTheOtherHalf() throws Exception {
        UserModeLinux.require();
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "kernel").toAbsolutePath()), "deg-");
        Path a = file("a.img");
        Path b = file("b.img");
        Path c = file("c.img");
        Path d = file("d.img");
        try (IoEngine e = IoEngines.openBest(64)) {
            ArrayCreator.create(new CreateSpec("deg", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1,
                    List.of(a, b), false, true), e);
            ArrayCreator.create(new CreateSpec("split", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1,
                    List.of(c, d), false, true), e);
        }
        uraid("io", a.toString(), "--write", "--seed", "11", "--size", "1M", "--run");
        uraid("io", c.toString(), "--write", "--seed", "21", "--size", "1M", "--run");
        uraid("io", d.toString(), "--write", "--seed", "22", "--size", "1M", "--run");
        String dataA = dataHash(a);
        String dataC = dataHash(c);
        assertNotEquals(dataA, dataHash(b), "b never saw the writes");
        assertNotEquals(dataC, dataHash(d), "the split halves differ");

        String out = UserModeLinux.output(dir, String.join("\n",
                "for d in ubdb ubdc ubdd ubde; do",
                "  echo \"== $d\"; mdadm --examine /dev/$d | grep -E 'Events|Array State'",
                "done",
                "mdadm --assemble /dev/md0 /dev/ubdb /dev/ubdc 2>&1; echo \"assemble0 rc=$?\"",
                "grep -A1 '^md0' /proc/mdstat",
                "echo \"md0 data $(dd if=/dev/md0 bs=1M count=1 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)\"",
                "mdadm --stop /dev/md0",
                "mdadm --assemble /dev/md1 /dev/ubdd /dev/ubde 2>&1; echo \"assemble1 rc=$?\"",
                "grep -A1 '^md1' /proc/mdstat",
                "echo \"md1 data $(dd if=/dev/md1 bs=1M count=1 iflag=direct 2>/dev/null | sha256sum | cut -c1-64)\"",
                "mdadm --stop /dev/md1",
                ""), a, b, c, d);

        assertTrue(section(out, "ubdb").contains("Array State : A. "), "uraid ran a without b:\n" + out);
        assertTrue(section(out, "ubdc").contains("Array State : AA "), "b was not there to hear it:\n" + out);
        assertTrue(events(section(out, "ubdc")) < events(section(out, "ubdb")), "b is behind:\n" + out);
        assertTrue(section(out, "ubdd").contains("Array State : A. "), out);
        assertTrue(section(out, "ubde").contains("Array State : .A "), out);

        assertTrue(out.contains("assemble0 rc=0"), out);
        assertTrue(out.contains("/dev/md0 has been started with 1 drive (out of 2)"), "b is not merged:\n" + out);
        assertTrue(out.contains("[2/1] [U_]"), out);
        assertTrue(out.contains("md0 data " + dataA), "the kernel reads what uraid wrote on a:\n" + out);

        assertTrue(out.contains("/dev/md1 has been started with 1 drive (out of 2)"),
                "the kernel does not merge the halves uraid ran apart:\n" + out);
        assertTrue(out.contains("md1 data " + dataC), "md1 is c's half, whole:\n" + out);
    }

    private Path file(String name) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        return p;
    }

    private static void uraid(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertEquals(0, code, String.join(" ", args) + ": " + out + err);
    }

    /** sha256 of the first MiB of the member's data area (where the array's first MiB lives on a mirror). */
    private static String dataHash(Path member) throws Exception {
        long offset = MemberExaminer.readV1(member).dataOffset() * 512;
        byte[] data = new byte[MIB];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(offset);
            f.readFully(data);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String section(String out, String dev) {
        int at = out.indexOf("== " + dev + "\n");
        assertTrue(at >= 0, "no examine of " + dev + " in:\n" + out);
        int end = out.indexOf("==", at + 3);
        return out.substring(at, end < 0 ? out.length() : end);
    }

    private static long events(String examine) {
        Matcher m = Pattern.compile("Events : (\\d+)").matcher(examine);
        assertTrue(m.find(), examine);
        return Long.parseLong(m.group(1));
    }
}
