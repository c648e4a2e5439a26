package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.nativeio.LoopDevice;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CLI on real block devices (loop devices; root): create, examine against mdadm, io, and refusals. */
@Timeout(120)
class LoopCliTest {

    @Test
    void createExamineAndIoOnLoopDevices() throws Exception {
        LoopDevice.assumeAvailable();
        TestEngines.best(); // the best engine this machine has; skips only when none works
        Path dir = Cli.dir("loop-");
        List<LoopDevice> loops = new ArrayList<>();
        try {
            List<String> devs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                LoopDevice d = LoopDevice.attach(Cli.file(dir, "m" + i + ".img", 24L << 20), 0);
                loops.add(d);
                devs.add(d.path().toString());
            }
            List<String> create = new ArrayList<>(List.of("create", "lp", "--level", "raid10", "--raid-devices", "4",
                    "--chunk", "128K"));
            create.addAll(devs.subList(0, 4));
            Cli c = Cli.run(create.toArray(new String[0]));
            assertEquals(0, c.code, c.toString());
            String host = Cli.tool("hostname").trim();
            for (int i = 0; i < 4; i++) {
                Cli e = Cli.run("examine", "--homehost", host, devs.get(i));
                assertEquals(0, e.code, e.toString());
                assertTrue(e.out.contains("   Device Role : Active device " + i + "\n"), e.out);
                RequiredTools.require("mdadm", "mdadm");
                assertEquals(Cli.tool("mdadm", "--examine", devs.get(i)), e.out, "mdadm agrees on " + devs.get(i));
            }
            Cli w = Cli.run("io", "--write", "--seed", "3", "--size", "16M", devs.get(3), devs.get(1), devs.get(0),
                    devs.get(2));
            assertEquals(0, w.code, w.toString());
            Cli v = Cli.run("io", "--verify", "--seed", "3", "--size", "16M", devs.get(2), devs.get(0), devs.get(3),
                    devs.get(1));
            assertEquals(0, v.code, v.toString());
            assertTrue(v.out.contains(": OK"), v.out);

            RequiredTools.require("mkfs.ext4", "e2fsprogs");
            Cli.tool("mkfs.ext4", "-q", "-F", devs.get(4));
            String before = Cli.sha256(Path.of(devs.get(4)));
            Cli refused = Cli.run("create", "fs", "--level", "1", "-n", "2", devs.get(4), devs.get(0));
            assertEquals(1, refused.code, refused.toString());
            assertTrue(refused.err.contains("holds") && refused.err.contains("--force"), refused.err);
            assertEquals(before, Cli.sha256(Path.of(devs.get(4))), "the ext4 device is unchanged");
        } finally {
            for (LoopDevice d : loops) {
                d.close();
            }
            Cli.delete(dir);
        }
    }
}
