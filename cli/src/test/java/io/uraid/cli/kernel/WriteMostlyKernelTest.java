package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Main;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.testing.UserModeLinux;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * md's write-mostly and failfast member flags and the bitmap's write-behind limit, with the
 * kernel as oracle both ways (issue 15): what {@code uraid create -W DEV --failfast DEV
 * --write-behind N} writes, the kernel's md shows as {@code (W)} in /proc/mdstat, write_mostly
 * and failfast in the member's sysfs state and N as the bitmap's backlog (mdadm --examine and
 * -X agree); what {@code mdadm --create --write-mostly --write-behind} writes, uraid assembles
 * with the same flags and limit. One boot of user-mode Linux.
 */
class WriteMostlyKernelTest {
    private static final long SIZE = 32L << 20;
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
    void theKernelAndUraidReadEachOthersWriteMostlyFailfastAndWriteBehind() throws Exception {
        UserModeLinux.require();
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "kernel").toAbsolutePath()), "wm-");
        Path a = file("a.img");
        Path b = file("b.img");
        Path c = file("c.img");
        Path d = file("d.img");
        uraid("create", "wm", "--level", "1", "--raid-devices", "2", "--bitmap", "internal", "--assume-clean",
                "--write-mostly", b.toString(), "--failfast", b.toString(), "--write-behind", "64",
                a.toString(), b.toString());

        String out = UserModeLinux.output(dir, String.join("\n",
                "echo \"== examine\"; mdadm --examine /dev/ubdc | grep -E 'Flags|Device Role'",
                "echo \"== bitmap\"; mdadm -X /dev/ubdb | grep 'Write Mode'",
                "mdadm --assemble /dev/md0 /dev/ubdb /dev/ubdc 2>&1; echo \"assemble0 rc=$?\"",
                "echo \"== mdstat\"; grep '^md0' /proc/mdstat",
                "echo \"== state b $(cat /sys/block/md0/md/dev-ubdc/state)\"",
                "echo \"== state a $(cat /sys/block/md0/md/dev-ubdb/state)\"",
                "echo \"== backlog $(cat /sys/block/md0/md/bitmap/backlog)\"",
                "mdadm --stop /dev/md0",
                "mdadm --create /dev/md1 --run --level=1 --raid-devices=2 --bitmap=internal --assume-clean "
                        + "--write-behind=32 /dev/ubdd --write-mostly /dev/ubde 2>&1; echo \"create1 rc=$?\"",
                "mdadm --stop /dev/md1",
                ""), a, b, c, d);

        assertTrue(out.contains("Flags : write-mostly failfast"), "mdadm --examine of b:\n" + out);
        assertTrue(out.contains("Write Mode : Allow write behind, max 64"), "mdadm -X:\n" + out);
        assertTrue(out.contains("assemble0 rc=0"), out);
        assertTrue(out.contains("ubdc[1](W)") && !out.contains("ubdb[0](W)"), "/proc/mdstat:\n" + out);
        String stateB = line(out, "== state b ");
        assertTrue(stateB.contains("write_mostly") && stateB.contains("failfast"), out);
        String stateA = line(out, "== state a ");
        assertTrue(!stateA.contains("write_mostly") && !stateA.contains("failfast"), out);
        assertEquals("64", line(out, "== backlog ").trim(), out);
        assertTrue(out.contains("create1 rc=0"), out);

        try (IoEngine e = IoEngines.openBest(64);
             OpenArray open = Assembler.assemble(List.of(c, d), AssembleOptions.DEFAULT.withRun(true), e)) {
            assertTrue(open.member(1).writeMostly() && !open.member(0).writeMostly(), "mdadm's --write-mostly");
            assertTrue(!open.member(1).failfast());
            assertEquals(32, open.array().writeBehind(), "mdadm's --write-behind=32");
        }
        StringWriter examine = new StringWriter();
        Main.commandLine(new PrintWriter(examine, true), new PrintWriter(new StringWriter(), true))
                .execute("examine", d.toString());
        assertTrue(examine.toString().contains("Flags : write-mostly"), examine.toString());
    }

    private static String line(String out, String prefix) {
        int at = out.indexOf(prefix);
        assertTrue(at >= 0, "no '" + prefix + "' in:\n" + out);
        int end = out.indexOf('\n', at);
        return out.substring(at + prefix.length(), end < 0 ? out.length() : end);
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
}
