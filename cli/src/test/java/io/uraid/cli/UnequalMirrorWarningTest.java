package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 10: like mdadm, create warns when a mirror's largest member exceeds the size used by more than 1 %. */
class UnequalMirrorWarningTest {
    private Path dir;
    private final List<String> warnings = new ArrayList<>();
    private final Logger creator = Logger.getLogger("io.uraid.core.assembly.ArrayCreator");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            warnings.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        TestEngines.best();
        dir = Cli.dir("unequal-");
        creator.addHandler(capture);
    }

    @AfterEach
    void tearDown() throws Exception {
        creator.removeHandler(capture);
        Cli.delete(dir);
    }

    @Test
    void aMirrorOfUnequalMembersWarnsAndEqualOnesDoNot() throws Exception {
        Path small = Cli.file(dir, "small.img", 16L << 20);
        Path big = Cli.file(dir, "big.img", 17L << 20);
        Cli c = Cli.run("create", "m", "--level", "1", "--raid-devices", "2", small.toString(), big.toString());
        assertEquals(0, c.code, c.toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("largest device " + big + " (17408K) exceeds the size used on each "
                + "member ("), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("by more than 1%; the rest of it is unused"), warnings.get(0));

        warnings.clear();
        Path near = Cli.file(dir, "near.img", (16L << 20) + (100L << 10)); // 0.6 % bigger
        c = Cli.run("create", "n", "--level", "1", "--raid-devices", "2", "--force", small.toString(), near.toString());
        assertEquals(0, c.code, c.toString());
        assertEquals(List.of(), warnings, "within 1 %: no warning");
    }
}
