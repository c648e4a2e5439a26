package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.testing.TestEngines;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** uraid create --bitmap internal|none and --bitmap-chunk, seen through uraid examine. */
class CreateBitmapCliTest {
    private Path dir;
    private String m0;
    private String m1;

    @BeforeEach
    void setUp() throws Exception {
        TestEngines.best(); // the best engine this machine has; skips only when none works
        dir = Cli.dir("cli-bitmap-");
        m0 = Cli.file(dir, "m0.img", 24L << 20).toString();
        m1 = Cli.file(dir, "m1.img", 24L << 20).toString();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir != null) {
            Cli.delete(dir);
        }
    }

    @Test
    void raid1GetsAnInternalBitmapUnlessToldNone() {
        Cli c = Cli.run("create", "bm", "--level", "1", "--raid-devices", "2", "--bitmap-chunk", "1M", m0, m1);
        assertEquals(0, c.code, c.toString());
        Cli e = Cli.run("examine", m0);
        assertTrue(e.out.contains("Internal Bitmap : 8 sectors from superblock"), e.out);
        Cli none = Cli.run("create", "bm", "--level", "1", "--raid-devices", "2", "--bitmap", "none", "--force", m0, m1);
        assertEquals(0, none.code, none.toString());
        assertFalse(Cli.run("examine", m0).out.contains("Internal Bitmap"));
    }

    @Test
    void badBitmapArgumentsAreRefusedWithTheCause() {
        Cli bad = Cli.run("create", "bm", "--level", "1", "--raid-devices", "2", "--bitmap", "external", m0, m1);
        assertEquals(2, bad.code, bad.toString());
        assertTrue(bad.err.contains("--bitmap must be internal or none"), bad.err);
        Cli raid0 = Cli.run("create", "bm", "--level", "0", "--raid-devices", "2", "--bitmap", "internal", m0, m1);
        assertEquals(2, raid0.code, raid0.toString());
        assertTrue(raid0.err.contains("bitmap"), raid0.err);
        Cli chunk = Cli.run("create", "bm", "--level", "1", "--raid-devices", "2", "--bitmap-chunk", "3K", m0, m1);
        assertEquals(2, chunk.code, chunk.toString());
        assertTrue(chunk.err.contains("invalid --bitmap-chunk '3K'"), chunk.err);
    }
}
