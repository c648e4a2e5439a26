package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.testing.RequiredTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** uraid examine on the md-written members in shared/interop, decompressed with xz. */
class InteropExamineTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Cli.dir("interop-");
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    private Path image(String name) throws Exception {
        String root = System.getProperty("uraid.repo.root", "..");
        Path xz = Path.of(root).resolve("../shared/interop").resolve(name + ".xz").normalize();
        if (!Files.exists(xz)) {
            xz = Path.of(root).resolve("../../shared/interop").resolve(name + ".xz").normalize();
        }
        assumeTrue(Files.exists(xz), "interop image not found next to the repository: " + xz);
        RequiredTools.require("xz", "xz-utils");
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("xz", "-dc", xz.toString()).redirectOutput(out.toFile()).start();
        assertEquals(0, p.waitFor(), "xz -dc " + xz);
        return out;
    }

    @Test
    void readsTheV12MemberAsMdadmDoes() throws Exception {
        Path img = image("mdraid-1.img");
        Cli c = Cli.run("examine", img.toString());
        assertEquals(0, c.code, c.toString());
        for (String line : new String[] {"        Version : 1.2", "     Array UUID : 77e61baf:c0b5d7d0:39cf575b:64d4878c",
            "           Name : troy.t-8ch.de:0", "     Raid Level : raid0", "   Raid Devices : 1",
            " Avail Dev Size : 16384 sectors (8.00 MiB 8.39 MB)", "    Data Offset : 4096 sectors", "   Super Offset : 8 sectors",
            "          State : clean", "    Device UUID : 379f6ef9:e75a12c1:11f1d883:ff168e1d",
            "       Checksum : 49255b39 - correct", "  Bad Block Log : 512 entries available at offset 8 sectors", "         Events : 0", "     Chunk Size : 512K",
            "   Device Role : Active device 0"}) {
            assertTrue(c.out.contains(line + "\n"), line + " missing from\n" + c.out);
        }
        RequiredTools.require("mdadm", "mdadm");
        assertEquals(Cli.tool("mdadm", "--examine", img.toString()),
                Cli.run("examine", "--homehost", Cli.tool("hostname").trim(), img.toString()).out);
        Cli json = Cli.run("examine", "--json", img.toString());
        assertTrue(json.out.contains("\"uuid\":\"77e61baf:c0b5d7d0:39cf575b:64d4878c\""), json.out);
    }

    @Test
    void readsThe090MemberAsMdadmDoes() throws Exception {
        Path img = image("mdraid.img");
        Cli c = Cli.run("examine", img.toString());
        assertEquals(0, c.code, c.toString());
        assertTrue(c.out.contains("        Version : 0.90.00\n"), c.out);
        assertTrue(c.out.contains("           UUID : 37c76b91:011a05c5:d30c1fd4:c5c3dbbc"), c.out);
        assertTrue(c.out.contains("     Raid Level : raid1\n"), c.out);
        assertTrue(c.out.contains("         Events : 4\n"), c.out);
        RequiredTools.require("mdadm", "mdadm");
        assertEquals(Cli.tool("mdadm", "--examine", img.toString()),
                Cli.run("examine", "--homehost", Cli.tool("hostname").trim(), img.toString()).out);
        Cli json = Cli.run("examine", "--json", img.toString());
        assertTrue(json.out.contains("\"version\":\"0.90.00\"") && json.out.contains("\"checksum_ok\":true"), json.out);
    }
}
