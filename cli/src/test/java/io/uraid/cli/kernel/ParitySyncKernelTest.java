package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.MdstatFormatter;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import io.uraid.levels.ParityArrayLayout;
import io.uraid.levels.parity.ParityLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uraid's parity sync passes against the kernel's raid456 (Linux 6.1 in user-mode Linux), in one
 * boot shared by the tests of the class.
 * <ul>
 * <li>With a member missing: uraid writes a raid6 and a raid5; rows of their parity and data go
 *     wrong behind the arrays' backs (raid6: in stripes whose missing chunk is P, Q and data);
 *     each is then run without one member. uraid's check must count what the kernel's check of
 *     the same bytes counts (raid6: the rows the parity left sees wrong; raid5: none, md having
 *     nothing to compare), and after uraid's repair of a copy the kernel's check must find none.
 * <li>Progress: the kernel creates a raid5 and a raid6 and shows a check and a recovery
 *     (throttled) in /proc/mdstat; uraid runs the same passes on those arrays and its mdstat
 *     line counts as md's does: KiB of the member, at md's speed limit in member KiB/s.
 * </ul>
 */
@Timeout(900)
class ParitySyncKernelTest {
    private static final Duration BOOT = Duration.ofMinutes(6);
    /** md's sync_speed_max and uraid's limit while progress is looked at, KiB/s of md's units. */
    private static final int SLOW_KIB = 1000;
    private static final Pattern PROGRESS = Pattern.compile("(check|recovery|resync) =\\s*[0-9.]+% \\((\\d+)/(\\d+)\\)"
            + ".* speed=(\\d+)K/sec");
    private static Path dir;
    private static List<Case> cases;
    /** The kernel's arrays for the progress test: name, disks, mdadm level, their member files. */
    private static final List<KernelArray> KERNEL = new ArrayList<>();
    private static UserModeLinux.Boot boot;

    private record KernelArray(String name, String level, List<Path> members) {
    }

    /** One array of the test: its members without the missing one, before and after uraid's repair. */
    private record Case(String name, List<Path> checked, List<Path> repaired, long uraidCheck, long uraidRepair,
                        long uraidCheckAfter) {
    }

    @BeforeAll
    static void boot() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("mdadm", "mdadm");
        TestEngines.best();
        dir = Cli.dir("kernel-parity-sync-");
        cases = List.of(
                degraded(ParityUraidArray.make(dir, "d6", "raid6", "left-symmetric", 4, 32, true, 61), 1),
                degraded(ParityUraidArray.make(dir, "d6a", "raid6", "left-asymmetric", 4, 16, true, 62), 3),
                degraded(ParityUraidArray.make(dir, "d5", "raid5", "left-symmetric", 4, 32, true, 51), 2));
        List<Path> images = new ArrayList<>();
        StringBuilder script = new StringBuilder(GuestMd.FUNCTIONS).append(GuestMd.MAKE).append(PROGRESS_SH);
        for (Case c : cases) {
            for (String copy : new String[] {"checked", "repaired"}) {
                List<Path> members = copy.equals("checked") ? c.checked() : c.repaired();
                int image = images.size();
                Path disk = dir.resolve(c.name() + "-" + copy + ".disk");
                PartitionedImage.pack(disk, members);
                images.add(disk);
                String n = c.name() + "_" + copy;
                String md = "md" + image;
                script.append("assemble ").append(n).append(' ').append(md).append(" --run")
                        .append(partitions(image, members.size())).append('\n')
                        .append("check ").append(n).append(' ').append(md).append('\n')
                        .append("stop ").append(n).append(' ').append(md).append('\n');
            }
        }
        KERNEL.add(new KernelArray("k5", "--level=5 --layout=ls --chunk=64", files("k5", 4)));
        KERNEL.add(new KernelArray("k6", "--level=6 --layout=ls --chunk=32", files("k6", 4)));
        for (KernelArray k : KERNEL) {
            int image = images.size();
            Path disk = dir.resolve(k.name() + ".disk");
            PartitionedImage.pack(disk, k.members());
            images.add(disk);
            String md = "md" + image;
            String last = PartitionedImage.partition(image, k.members().size() - 1);
            script.append("create ").append(k.name()).append(' ').append(md).append(' ').append(k.level())
                    .append(" --assume-clean --raid-devices=").append(k.members().size())
                    .append(partitions(image, k.members().size())).append('\n')
                    .append("passes ").append(k.name()).append(' ').append(md).append(' ').append(last).append('\n')
                    .append("stop ").append(k.name()).append(' ').append(md).append('\n');
        }
        boot = UserModeLinux.run(script.toString(), images, dir.resolve("guest"), BOOT);
        System.out.println("kernel checked " + cases.size() * 2 + " degraded parity arrays and made " + KERNEL.size()
                + " in " + boot.took());
        assertEquals(0, boot.exitCode(), boot.toString());
        for (int i = 0; i < KERNEL.size(); i++) {
            PartitionedImage.unpack(images.get(cases.size() * 2 + i), KERNEL.get(i).members());
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dir != null) {
            Cli.delete(dir);
        }
    }

    /**
     * The guest's passes on a kernel array: a check, then a recovery of its last member (failed,
     * removed, wiped, added back), both at {@link #SLOW_KIB}, each looked at after 2 s.
     */
    private static final String PROGRESS_SH = """
            looked() { # NAME MD: md's progress line, sync_completed and component_size while a pass runs
              sleep 2
              while read -r l; do case "$l" in *"% ("*) echo "$1.progress=$l";; esac; done < /proc/mdstat
              sys $2 sync_completed; echo "$1.sync_completed=$v"
              sys $2 component_size; echo "$1.component_size=$v"
            }
            passes() { # NAME MD LAST-DEVICE
              # the boot sets speed_limit_min high; md throttles only above its minimum
              echo SLOW > /sys/block/$2/md/sync_speed_min; echo SLOW > /sys/block/$2/md/sync_speed_max
              echo check > /sys/block/$2/md/sync_action; looked $1_check $2
              echo idle > /sys/block/$2/md/sync_action; idle $2
              mdadm /dev/$2 --fail $3 > /dev/null 2>&1; mdadm /dev/$2 --remove $3 > /dev/null 2>&1
              mdadm --zero-superblock $3; mdadm /dev/$2 --add $3 > /dev/null 2>&1; looked $1_recovery $2
              echo system > /sys/block/$2/md/sync_speed_min; echo system > /sys/block/$2/md/sync_speed_max; idle $2
            }
            """.replace("SLOW", Integer.toString(SLOW_KIB));

    private static String partitions(int image, int count) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < count; p++) {
            b.append(' ').append(PartitionedImage.partition(image, p));
        }
        return b.toString();
    }

    private static List<Path> files(String name, int count) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(Cli.file(dir, name + "-" + i + ".img", 16L << 20));
        }
        return files;
    }

    @Test
    void progressCountsInMemberKibAsMdstatDoesAtMdsSpeedLimit() throws Exception {
        for (KernelArray k : KERNEL) {
            String n = k.name();
            assertEquals("0", boot.value(n + ".created"), n + "\n" + boot);
            Path spare = Cli.file(dir, n + "-spare.img", 16L << 20);
            RedundancyOptions slow = RedundancyOptions.DEFAULT.withSyncSpeed(SLOW_KIB * 1024L, SLOW_KIB * 1024L);
            try (OpenArray open = Assembler.assemble(k.members(), AssembleOptions.DEFAULT.withRedundancy(slow),
                    TestEngines.open(64))) {
                Redundancy red = open.redundancy();
                assertTrue(red.awaitSyncIdle(60_000));
                assertTrue(red.request(SyncAction.CHECK));
                compare(n + "_check", open);
                red.stopSync();
                assertTrue(red.awaitSyncIdle(60_000));
                try (IoEngine prep = TestEngines.open(8)) {
                    open.addSpare(spare, prep, false);
                }
                assertTrue(open.array().fail(k.members().size() - 1));
                compare(n + "_recovery", open);
            }
        }
    }

    /** uraid's mdstat progress of {@code open} after 3 s against md's line {@code key}. */
    private static void compare(String key, OpenArray open) throws Exception {
        Thread.sleep(3000);
        String ours = MdstatFormatter.format(List.of(ArrayStatus.of("md0", open)));
        String theirs = boot.value(key + ".progress");
        System.out.println(key + ": md:    " + theirs + "\n" + key + ": uraid: " + ours.lines()
                .filter(l -> l.contains("% (")).findFirst().orElse("(none)").trim());
        Matcher m = PROGRESS.matcher(theirs);
        Matcher u = PROGRESS.matcher(ours);
        assertTrue(m.find(), key + ": md's line " + theirs);
        assertTrue(u.find(), key + ": uraid's mdstat\n" + ours);
        assertEquals(m.group(1), u.group(1), key + ": the pass");
        long componentKib = boot.longValue(key + ".component_size");
        assertEquals(componentKib, Long.parseLong(m.group(3)), key + ": md counts in KiB of the member");
        assertEquals(m.group(3), u.group(3), key + ": uraid's total is md's (KiB of the member)");
        assertTrue(boot.value(key + ".sync_completed").endsWith("/ " + componentKib * 2),
                key + ": sysfs sync_completed in member sectors: " + boot.value(key + ".sync_completed"));
        long speed = Long.parseLong(u.group(4));
        assertTrue(speed > SLOW_KIB / 2 && speed < SLOW_KIB * 3 / 2,
                key + ": uraid's speed limit counts md's units, as md's does (" + m.group(4) + "K/sec): " + speed);
        long done = Long.parseLong(u.group(2));
        assertTrue(done > 0 && done < componentKib, key + ": part done " + done);
    }

    @Test
    void uraidCountsMismatchesWithAMemberMissingAsTheKernelDoesAndItsRepairLeavesTheKernelNone() throws Exception {
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
    private static Case degraded(ParityUraidArray a, int gone) throws Exception {
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
        io.uraid.io.testing.Junk.overwrite(file, at, len);
    }
}
