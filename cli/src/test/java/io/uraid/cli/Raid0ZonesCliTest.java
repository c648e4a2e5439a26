package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * raid0 over members of different sizes, as mdadm makes it: every member used to its end (md's
 * strip zones), the layout word recorded (feature bit 4096) so md since Linux 5.4 can start it,
 * original by default or alternate when asked; mdadm --examine agrees with the superblocks. The
 * kernel itself reads such arrays in {@code kernel.KernelAssemblesUraidArraysTest}.
 */
class Raid0ZonesCliTest {
    private Path dir;
    private final List<String> members = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        TestEngines.best();
        dir = Cli.dir("raid0-zones-");
        long[] mib = {4, 6, 8};
        for (int i = 0; i < mib.length; i++) {
            members.add(Cli.file(dir, "m" + i + ".img", mib[i] << 20).toString());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    private Cli create(String... options) {
        List<String> args = new ArrayList<>(List.of("create", "z", "--level", "0", "-n", "3", "--chunk", "64K",
                "--homehost", "clitest", "--force"));
        args.addAll(List.of(options));
        args.addAll(members);
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void unequalMembersAreUsedToTheirEndInZonesWithTheLayoutRecorded() throws Exception {
        Cli c = create();
        assertEquals(0, c.code, c.toString());
        // mdadm puts the data 1 MiB in on these sizes: 3 + 5 + 7 MiB of data, all of it used.
        assertTrue(c.out.contains("15360 KiB"), c.out);
        for (String m : members) {
            Cli e = Cli.run("examine", "--homehost", "clitest", m);
            assertTrue(e.out.contains("    Feature Map : 0x1000\n"), e.out);
            assertTrue(e.out.contains("         Layout : original\n"), e.out);
            RequiredTools.require("mdadm", "mdadm");
            assertEquals(Cli.tool("mdadm", "--examine", m),
                    Cli.run("examine", "--homehost", Cli.tool("hostname").trim(), m).out);
        }
        List<String> write = new ArrayList<>(List.of("io", "--write", "--seed", "5"));
        write.addAll(members);
        Cli w = Cli.run(write.toArray(new String[0]));
        assertTrue(w.out.contains("wrote 15728640 bytes"), w.toString());
        List<String> verify = new ArrayList<>(List.of("io", "--verify", "--seed", "5", members.get(2),
                members.get(0), members.get(1)));
        Cli v = Cli.run(verify.toArray(new String[0]));
        assertEquals(0, v.code, v.toString());
    }

    @Test
    void alternateLayoutIsRecordedWhenAskedFor() {
        Cli c = create("--layout", "alternate");
        assertEquals(0, c.code, c.toString());
        Cli e = Cli.run("examine", members.get(0));
        assertTrue(e.out.contains("         Layout : alternate\n"), e.out);
    }

    @Test
    void equalMembersRecordNoLayoutAsMdadmDoes() throws Exception {
        members.set(0, Cli.file(dir, "e0.img", 8L << 20).toString());
        members.set(1, Cli.file(dir, "e1.img", 8L << 20).toString());
        Cli c = create();
        assertEquals(0, c.code, c.toString());
        Cli e = Cli.run("examine", members.get(0));
        assertTrue(e.out.contains("    Feature Map : 0x0\n"), e.out);
        assertTrue(!e.out.contains("Layout :"), e.out);
    }
}
