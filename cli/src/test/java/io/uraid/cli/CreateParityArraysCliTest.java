package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * uraid create --level 4|5|6 writes the superblocks mdadm writes (uraid examine prints exactly
 * what mdadm --examine prints of them), and the arrays take and give back data through uraid io:
 * clean (--assume-clean), raid5 rebuilding its last member as md builds a new one, raid6
 * resyncing.
 */
class CreateParityArraysCliTest {
    private static final long MEMBER = 24L << 20;
    private Path dir;
    private final List<String> members = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = Cli.dir("cli-p-");
        for (int i = 0; i < 5; i++) {
            members.add(Cli.file(dir, "m" + i + ".img", MEMBER).toString());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    private static String[] args(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(new String[0]);
    }

    private void examinedAsMdadm(List<String> devs, String... lines) throws Exception {
        RequiredTools.require("mdadm", "mdadm");
        String host = Cli.tool("hostname").trim();
        for (String m : devs) {
            String ours = Cli.run("examine", "--homehost", host, m).out;
            for (String line : lines) {
                assertTrue(ours.contains(line), line + " in " + ours);
            }
            assertEquals(Cli.tool("mdadm", "--examine", m), ours, "uraid examine prints what mdadm --examine prints");
        }
    }

    /** Writes through uraid io, then reads back read-only ({@code --run}: without a member still being rebuilt). */
    private void writesAndVerifies(List<String> devs, String level) {
        Cli w = Cli.run(args(List.of("io", "--write", "--seed", "5", "--size", "12M"), devs));
        assertEquals(0, w.code, w.toString());
        Cli v = Cli.run(args(List.of("io", "--verify", "--run", "--seed", "5", "--size", "12M"), devs));
        assertEquals(0, v.code, v.toString());
        assertTrue(v.out.contains("verified 12582912 bytes of pattern seed 5 on " + level + " array"), v.out);
    }

    @Test
    void aCleanRaid5IsWrittenAsMdadmWritesItAndReadsBackItsData() throws Exception {
        TestEngines.best();
        List<String> devs = members.subList(0, 4);
        Cli c = Cli.run(args(List.of("create", "r5", "--level", "5", "--raid-devices", "4", "--chunk", "64",
                "--layout", "right-asymmetric", "--assume-clean"), devs));
        assertEquals(0, c.code, c.toString());
        assertTrue(c.out.contains("array r5 created: raid5, 4 devices, 64K chunks, right-asymmetric"), c.out);
        examinedAsMdadm(devs, "     Raid Level : raid5\n", "         Layout : right-asymmetric\n",
                "     Chunk Size : 64K\n", "Internal Bitmap : 8 sectors from superblock\n");
        writesAndVerifies(devs, "raid5");
    }

    @Test
    void aNewRaid5RebuildsItsLastMemberAsMdBuildsOne() throws Exception {
        TestEngines.best();
        List<String> devs = members.subList(0, 3);
        Cli c = Cli.run(args(List.of("create", "b5", "--level", "raid5", "--raid-devices", "3"), devs));
        assertEquals(0, c.code, c.toString());
        examinedAsMdadm(devs.subList(2, 3), "Recovery Offset : 0 sectors\n");
        examinedAsMdadm(devs.subList(0, 2), "          State : clean\n");
        writesAndVerifies(devs, "raid5");
    }

    @Test
    void aNewRaid6AndRaid4ResyncOnFirstStart() throws Exception {
        TestEngines.best();
        Cli c = Cli.run(args(List.of("create", "s6", "--level", "6", "--raid-devices", "5", "--layout",
                "ddf-N-continue", "--chunk", "32K"), members));
        assertEquals(0, c.code, c.toString());
        examinedAsMdadm(members, "     Raid Level : raid6\n", "         Layout : ddf-N-continue\n",
                "          State : active\n"); // with a bitmap mdadm prints no resync offset; every bit is set
        writesAndVerifies(members, "raid6");
        List<String> four = members.subList(0, 4);
        Cli c4 = Cli.run(args(List.of("create", "s4", "--level", "4", "--raid-devices", "4", "--force"), four));
        assertEquals(0, c4.code, c4.toString());
        examinedAsMdadm(four, "     Raid Level : raid4\n");
        writesAndVerifies(four, "raid4");
    }

    @Test
    void aPplRaid5HasMdsLogInsteadOfABitmapAndItsWritesAreLogged() throws Exception {
        TestEngines.best();
        List<String> devs = members.subList(0, 4);
        Cli c = Cli.run(args(List.of("create", "pp", "--level", "5", "--raid-devices", "4", "--chunk", "64",
                "--consistency-policy", "ppl", "--assume-clean"), devs));
        assertEquals(0, c.code, c.toString());
        examinedAsMdadm(devs, "            PPL : 2048 sectors at offset 8 sectors from superblock\n",
                "    Feature Map : 0x400\n");
        Cli w = Cli.run(args(List.of("io", "--write", "--seed", "9", "--size", "12M"), devs));
        assertEquals(0, w.code, w.toString());
        int logged = 0;
        for (int role = 0; role < devs.size(); role++) {
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(PplHeader.BYTES);
            try (var f = java.nio.channels.FileChannel.open(Path.of(devs.get(role)))) {
                f.read(h, 16 * 512); // the log's first header, 8 sectors after the superblock
            }
            h.flip();
            assertTrue(PplHeader.checksumValid(h), devs.get(role) + ": the log starts with a valid header");
            for (PplHeader.Entry e : PplHeader.decode(h).entries()) {
                assertEquals(role, e.parityDisk(), "an entry lives on its stripe's parity member");
                logged++;
            }
        }
        assertTrue(logged > 0, "the writes were logged");
        Cli v = Cli.run(args(List.of("io", "--verify", "--seed", "9", "--size", "12M"), devs));
        assertEquals(0, v.code, v.toString());
        assertTrue(v.out.contains("verified 12582912 bytes of pattern seed 9 on raid5 array"), v.out);
    }
}
