package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ./uraid demo end to end, in-process: what the README promises. */
class DemoTest {

    @Test
    void demoVerifiesBeforeAndAfterAMemberFailsAndCleansUp() throws Exception {
        Path parent = Cli.dir("demo-");
        try {
            Cli c = Cli.run("demo", "--dir", parent.toString(), "--member-size", "16M");
            assertEquals(0, c.code, c.toString());
            assertTrue(c.out.contains("wrote 28 MiB and read it back: all bytes match"), c.out);
            assertTrue(c.out.contains("which the array marked faulty"), c.out);
            assertTrue(c.out.contains("read everything back from the degraded array: all bytes match"), c.out);
            assertTrue(c.out.contains("             State : active, degraded \n"), c.out);
            assertTrue(c.out.contains("      faulty   "), c.out);
            Matcher m = Pattern.compile("removed (\\S+)").matcher(c.out);
            assertTrue(m.find(), c.out);
            assertFalse(Files.exists(Path.of(m.group(1))), "the demo folder is gone");
            try (var s = Files.list(parent)) {
                assertEquals(0, s.count(), "nothing left behind");
            }
        } finally {
            Cli.delete(parent);
        }
    }

    @Test
    void keepLeavesTheMembersForInspection() throws Exception {
        Path parent = Cli.dir("demo-keep-");
        try {
            Cli c = Cli.run("demo", "--keep", "--dir", parent.resolve("new/sub").toString(), "--member-size", "16M");
            assertEquals(0, c.code, c.toString());
            Matcher m = Pattern.compile("kept the members in (\\S+)").matcher(c.out);
            assertTrue(m.find(), c.out);
            assertTrue(Files.exists(Path.of(m.group(1)).resolve("member3.img")));
        } finally {
            Cli.delete(parent);
        }
    }
}
