package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * uraid create for raid4/5/6: what mdadm refuses is refused with a one-line reason and exit 2,
 * and the members are left exactly as they were (creating them: CreateParityArraysCliTest).
 */
class CreateParityCliTest {
    private Path dir;
    private final List<String> members = new ArrayList<>();
    private final List<String> before = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = Cli.dir("cli-parity-");
        for (int i = 0; i < 4; i++) {
            Path f = Cli.file(dir, "m" + i + ".img", 8L << 20);
            members.add(f.toString());
            before.add(Cli.sha256(f));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = 0; i < members.size(); i++) {
            assertEquals(before.get(i), Cli.sha256(Path.of(members.get(i))), members.get(i) + " was written");
        }
        Cli.delete(dir);
    }

    private Cli create(int devices, String... options) {
        List<String> args = new ArrayList<>(List.of("create", "p"));
        args.addAll(List.of(options));
        args.addAll(List.of("--raid-devices", Integer.toString(devices)));
        args.addAll(members.subList(0, devices));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void refused(Cli c, int code, String reason) {
        assertEquals(code, c.code, c.toString());
        assertTrue(c.err.contains(reason), c.toString());
        assertEquals(1, c.err.strip().lines().count(), "one line: " + c.err);
    }

    @Test
    void fewerMembersThanMdadmAllowsAreRefused() {
        refused(create(1, "--level", "5"), 2, "raid5 needs at least 2 raid devices, got 1");
        refused(create(1, "--level", "raid4"), 2, "raid4 needs at least 2 raid devices, got 1");
        refused(create(3, "--level", "6"), 2, "raid6 needs at least 4 raid devices, got 3");
    }

    @Test
    void unknownLayoutsAreRefusedWithTheValidNames() {
        refused(create(3, "--level", "5", "--layout", "left-symmetric-6"), 2,
                "unknown raid5 layout 'left-symmetric-6'; valid: left-asymmetric");
        refused(create(4, "--level", "6", "--layout", "n2"), 2, "unknown raid6 layout 'n2'");
        refused(create(3, "--level", "4", "--layout", "parity-last"), 2, "--layout is not meaningful for raid4");
    }

    @Test
    void chunksThatAreNotPowersOfTwoOfAtLeast4KAreRefused() {
        refused(create(3, "--level", "5", "--chunk", "12K"), 2, "invalid --chunk '12K'");
        refused(create(4, "--level", "6", "--chunk", "2K"), 2, "invalid --chunk '2K'");
    }

    @Test
    void pplIsRefusedOnRaid6AndWithABitmap() {
        refused(create(4, "--level", "6", "--consistency-policy", "ppl"), 2,
                "--consistency-policy=ppl is for raid5 only, not raid6");
        refused(create(3, "--level", "5", "-k", "ppl", "--bitmap", "internal"), 2,
                "--consistency-policy=ppl cannot be combined with a write-intent bitmap");
        refused(create(2, "--level", "1", "-k", "ppl"), 2, "--consistency-policy=ppl is for raid5 only, not raid1");
        refused(create(3, "--level", "5", "-k", "journal"), 2, "--consistency-policy must be resync, bitmap or ppl");
    }
}
