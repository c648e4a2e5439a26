package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import io.uraid.levels.ParityArrayLayout;
import io.uraid.levels.parity.ParityLayout;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Check and repair of parity arrays with a member missing, against the kernel's raid456 (Linux
 * 6.1 in user-mode Linux), in one boot. uraid writes a raid6 and a raid5; rows of their parity
 * and data go wrong behind the arrays' backs (raid6: in stripes whose missing chunk is P, Q and
 * data); each is then run without one member. uraid's check must count what the kernel's check
 * of the same bytes counts (raid6: the rows the parity left sees wrong; raid5: none, md having
 * nothing to compare), and after uraid's repair of a copy the kernel's check must find nothing.
 */
@Timeout(600)
class DegradedParityCheckKernelTest {
    private static final Duration BOOT = Duration.ofMinutes(5);
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("mdadm", "mdadm");
        TestEngines.best();
        dir = Cli.dir("kernel-degraded-check-");
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    /** One array of the test: its members without the missing one, before and after uraid's repair. */
    private record Case(String name, List<Path> checked, List<Path> repaired, long uraidCheck, long uraidRepair,
                        long uraidCheckAfter) {
    }

    @Test
    void uraidCountsMismatchesWithAMemberMissingAsTheKernelDoesAndItsRepairLeavesTheKernelNone() throws Exception {
        List<Case> cases = List.of(
                degraded(ParityUraidArray.make(dir, "d6", "raid6", "left-symmetric", 4, 32, true, 61), 1),
                degraded(ParityUraidArray.make(dir, "d6a", "raid6", "left-asymmetric", 4, 16, true, 62), 3),
                degraded(ParityUraidArray.make(dir, "d5", "raid5", "left-symmetric", 4, 32, true, 51), 2));
        List<Path> images = new ArrayList<>();
        StringBuilder script = new StringBuilder(GuestMd.FUNCTIONS);
        for (Case c : cases) {
            for (String copy : new String[] {"checked", "repaired"}) {
                List<Path> members = copy.equals("checked") ? c.checked() : c.repaired();
                int image = images.size();
                Path disk = dir.resolve(c.name() + "-" + copy + ".disk");
                PartitionedImage.pack(disk, members);
                images.add(disk);
                StringBuilder devs = new StringBuilder("--run");
                for (int p = 0; p < members.size(); p++) {
                    devs.append(' ').append(PartitionedImage.partition(image, p));
                }
                String n = c.name() + "_" + copy;
                String md = "md" + image;
                script.append("assemble ").append(n).append(' ').append(md).append(' ').append(devs).append('\n')
                        .append("check ").append(n).append(' ').append(md).append('\n')
                        .append("stop ").append(n).append(' ').append(md).append('\n');
            }
        }
        UserModeLinux.Boot boot = UserModeLinux.run(script.toString(), images, dir.resolve("guest"), BOOT);
        System.out.println("kernel checked " + images.size() + " degraded parity arrays in " + boot.took());
        assertEquals(0, boot.exitCode(), boot.toString());
        for (Case c : cases) {
            String n = c.name();
            assertEquals("0", boot.value(n + "_checked.assembled"), n + "\n" + boot);
            assertEquals("1", boot.value(n + "_checked.degraded"), n + ": run without one member");
            long kernel = boot.longValue(n + "_checked.mismatch");
            System.out.println(n + ": mismatch_cnt with a member missing: kernel " + kernel + ", uraid " + c.uraidCheck()
                    + "; uraid's repair " + c.uraidRepair() + ", then kernel " + boot.value(n + "_repaired.mismatch"));
            assertEquals(kernel, c.uraidCheck(), n + ": uraid's check counts what md's counts");
            assertEquals(kernel, c.uraidRepair(), n + ": uraid's repair counts what it rewrites");
            assertEquals(0, c.uraidCheckAfter(), n + ": uraid's check after its repair");
            assertEquals("0", boot.value(n + "_repaired.assembled"), n + "\n" + boot);
            assertEquals("0", boot.value(n + "_repaired.mismatch"), n + ": md's check after uraid's repair");
        }
        assertTrue(cases.get(0).uraidCheck() > 0 && cases.get(1).uraidCheck() > 0,
                "the raid6 corruptions are seen with a member missing");
    }

    /**
     * Corrupts rows of {@code a} (raid6: in a stripe missing P, one missing Q, one missing data;
     * raid5: a parity and a data row), then runs uraid's check on its members without role
     * {@code gone}, and its repair and a check on a copy of them.
     */
    private Case degraded(ParityUraidArray a, int gone) throws Exception {
        ParityLayout layout;
        long dataOffset;
        try (OpenArray open = Assembler.assemble(a.members(), AssembleOptions.DEFAULT, TestEngines.open(64))) {
            layout = ((ParityArrayLayout) open.array().layout()).parity();
            dataOffset = open.member(0).dataOffset();
        }
        List<Path> m = a.members();
        long lostData = stripeWhere(layout, s -> layout.pRole(s) != gone && layout.qRole(s) != gone);
        if (layout.level() == 6) {
            long lostQ = stripeWhere(layout, s -> layout.qRole(s) == gone);
            long lostP = stripeWhere(layout, s -> layout.pRole(s) == gone);
            int dataOfLostQ = layout.dataRole(lostQ, 0) == gone ? layout.dataRole(lostQ, 1) : layout.dataRole(lostQ, 0);
            corrupt(m.get(layout.pRole(lostQ)), dataOffset + layout.memberOffsetOfStripe(lostQ), 4096);
            corrupt(m.get(dataOfLostQ), dataOffset + layout.memberOffsetOfStripe(lostQ) + 2 * 4096, 4096);
            corrupt(m.get(layout.qRole(lostP)), dataOffset + layout.memberOffsetOfStripe(lostP) + 4096, 2 * 4096);
            corrupt(m.get(layout.qRole(lostData)), dataOffset + layout.memberOffsetOfStripe(lostData), 4096);
        }
        corrupt(m.get(layout.pRole(lostData)), dataOffset + layout.memberOffsetOfStripe(lostData) + 3 * 4096, 4096);
        int other = layout.dataRole(lostData, 0) == gone ? layout.dataRole(lostData, 1) : layout.dataRole(lostData, 0);
        corrupt(m.get(other), dataOffset + layout.memberOffsetOfStripe(lostData + 1), 4096);
        List<Path> checked = new ArrayList<>(m);
        checked.remove(gone);
        List<Path> repaired = new ArrayList<>();
        for (Path p : checked) {
            Path copy = p.resolveSibling(p.getFileName() + ".repaired");
            Files.copy(p, copy);
            repaired.add(copy);
        }
        long check = pass(checked, SyncAction.CHECK)[0];
        long[] repair = pass(repaired, SyncAction.REPAIR, SyncAction.CHECK);
        return new Case(a.name(), checked, repaired, check, repair[0], repair[1]);
    }

    /** uraid assembles {@code members} (one missing) and runs {@code actions} one after the other: their mismatch counts. */
    private static long[] pass(List<Path> members, SyncAction... actions) throws Exception {
        long[] counts = new long[actions.length];
        try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT.withRun(true), TestEngines.open(64))) {
            assertEquals(members.size(), open.array().workingCount());
            Redundancy red = open.redundancy();
            assertTrue(red.awaitSyncIdle(60_000), "no pass left from the assembly");
            for (int i = 0; i < actions.length; i++) {
                assertTrue(red.request(actions[i]), actions[i] + " starts");
                assertTrue(red.awaitSyncIdle(120_000));
                assertTrue(red.syncStatus().lastCompleted(), red.syncStatus().toString());
                assertEquals(actions[i], red.syncStatus().lastAction());
                counts[i] = red.syncStatus().mismatches();
            }
        }
        return counts;
    }

    /** The first stripe past the first eight for which {@code test} holds. */
    private static long stripeWhere(ParityLayout layout, LongPredicate test) {
        for (long s = 8; ; s++) {
            if (test.test(s)) {
                return s;
            }
        }
    }

    private static void corrupt(Path file, long at, int len) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[len];
            new Random(at).nextBytes(junk);
            f.seek(at);
            f.write(junk);
        }
    }
}
