package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.cli.Cli;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * uraid to kernel: arrays uraid created and wrote through its own I/O path, on member files,
 * are assembled by the real md driver (Linux 6.1 as a user-mode process, {@code mdadm
 * --assemble}), which must see the geometry uraid meant, read the very bytes uraid wrote (the
 * SHA-256 of the md device against that of the pattern) and, for the mirrored levels, find
 * every copy equal ({@code check}: mismatch_cnt 0). One boot per test, many arrays per boot.
 */
@Timeout(600)
class KernelAssemblesUraidArraysTest {
    private static final Duration BOOT = Duration.ofMinutes(5);
    /**
     * raid0 members of different sizes (KiB): with a 1 MiB data offset and 64 KiB chunks the
     * first zone holds 3 x 49 chunks, an odd number, so the second zone's two members get
     * different chunks under the original and the alternate layout.
     */
    static final long[] RAID0_KIB = {4160, 6144, 8192};
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("mdadm", "mdadm"); // the host's mdadm runs in the guest too
        TestEngines.best();
        dir = Cli.dir("kernel-reads-");
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    @Test
    void kernelReadsLinearRaid0AndRaid1AsUraidWroteThem() throws Exception {
        List<UraidArray> arrays = List.of(
                UraidArray.create(dir, "lin", "linear", UraidArray.mib(4, 7, 3), 11),
                UraidArray.create(dir, "r0eq", "raid0", UraidArray.mib(6, 6), 12),
                UraidArray.create(dir, "r0orig", "raid0", RAID0_KIB, 13, "--chunk", "64K"),
                UraidArray.create(dir, "r0alt", "raid0", new long[] {RAID0_KIB[2], RAID0_KIB[0], RAID0_KIB[1]}, 14,
                        "--chunk", "64K", "--layout", "alternate"),
                UraidArray.create(dir, "r1", "raid1", UraidArray.mib(5, 5, 6), 15));
        UraidArray.assertTheRaid0LayoutsDiffer(arrays.get(2).members());
        UraidArray.assertTheRaid0LayoutsDiffer(arrays.get(3).members());
        var boot = readAll(arrays);
        assertEquals("-1", boot.value("r0eq.layout"), "equal members: one zone, md records no layout");
        assertEquals("1", boot.value("r0orig.layout"), "unequal members: the layout word md needs, original");
        assertEquals("2", boot.value("r0alt.layout"), "unequal members: the layout word md needs, alternate");
    }

    @Test
    void kernelReadsRaid10NearAndFarWithOddAndEvenMemberCounts() throws Exception {
        List<UraidArray> arrays = List.of(
                UraidArray.create(dir, "n2x3", "raid10", UraidArray.mib(5, 5, 5), 21, "--chunk", "64K"),
                UraidArray.create(dir, "n2x4", "raid10", UraidArray.mib(5, 5, 5, 5), 22, "--chunk", "128K"),
                UraidArray.create(dir, "f2x3", "raid10", UraidArray.mib(5, 5, 5), 23, "--chunk", "64K",
                        "--layout", "f2"),
                UraidArray.create(dir, "f2x4", "raid10", UraidArray.mib(5, 5, 5, 5), 24, "--chunk", "64K",
                        "--layout", "f2"));
        var boot = readAll(arrays);
        assertEquals("near=2", boot.value("n2x3.layout_name"));
        assertEquals("far=2", boot.value("f2x4.layout_name"));
    }

    @Test
    void kernelReadsRaid10OffsetADegradedArrayAndAMirrorUraidLeftDirty() throws Exception {
        List<UraidArray> arrays = List.of(
                UraidArray.create(dir, "o2x3", "raid10", UraidArray.mib(5, 5, 5), 31, "--chunk", "64K", "--layout", "o2"),
                UraidArray.create(dir, "o2x4", "raid10", UraidArray.mib(5, 5, 5, 5), 32, "--chunk", "64K",
                        "--layout", "o2"));
        DegradedUraidArray degraded = DegradedUraidArray.make(dir, "n2deg", 33, 34);
        DirtyUraidMirror dirty = DirtyUraidMirror.make(dir, "r1dirty", 35);

        List<Path> attached = new ArrayList<>();
        StringBuilder script = new StringBuilder(GuestMd.FUNCTIONS);
        script.append(readScript(arrays, attached));
        script.append(degraded.script(attached, "md8"));
        script.append(dirty.script(attached, "md9"));
        UserModeLinux.Boot boot = UserModeLinux.run(script.toString(), attached, dir.resolve("guest"), BOOT);
        assertEquals(0, boot.exitCode(), boot.toString());
        for (UraidArray a : arrays) {
            assertKernelReadsIt(boot, a, a.members().size());
        }
        assertEquals("offset=2", boot.value("o2x3.layout_name"));
        degraded.assertKernelStartedItDegraded(boot);
        dirty.assertKernelResyncedOnlyTheDirtyChunks(boot);
    }

    /**
     * Assembles every array in one boot and checks, for each: assembled, md's size equals
     * uraid's, every member in, the bytes read equal the pattern uraid wrote and (mirrors)
     * check finds no mismatch.
     */
    private UserModeLinux.Boot readAll(List<UraidArray> arrays) throws Exception {
        List<Path> attached = new ArrayList<>();
        String script = GuestMd.FUNCTIONS + readScript(arrays, attached);
        UserModeLinux.Boot boot = UserModeLinux.run(script, attached, dir.resolve("guest"), BOOT);
        assertEquals(0, boot.exitCode(), boot.toString());
        for (UraidArray a : arrays) {
            assertKernelReadsIt(boot, a, a.members().size());
        }
        return boot;
    }

    /**
     * The guest's part for {@code arrays}: assemble each (its members appended to
     * {@code attached}), digest, mdadm's layout name (raid10), check (mirrors), stop.
     */
    private static String readScript(List<UraidArray> arrays, List<Path> attached) {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < arrays.size(); i++) {
            UraidArray a = arrays.get(i);
            String md = "md" + i;
            script.append("assemble ").append(a.name()).append(' ').append(md).append(' ')
                    .append(GuestMd.devices(attached.size(), a.members().size())).append('\n');
            attached.addAll(a.members());
            script.append("digest ").append(a.name()).append(' ').append(md).append('\n');
            if (a.level().equals("raid10")) { // md's name for the layout word uraid wrote
                script.append("mdadm --detail /dev/").append(md).append(" > /run/detail; while read -r k c v; do ")
                        .append("[ \"$k\" = Layout ] && echo \"").append(a.name()).append(".layout_name=$v\"; ")
                        .append("done < /run/detail\n");
            }
            if (a.redundant()) {
                script.append("check ").append(a.name()).append(' ').append(md).append('\n');
            }
            script.append("stop ").append(a.name()).append(' ').append(md).append('\n');
        }
        return script.toString();
    }

    /** What every array read by the kernel must show: md's geometry and uraid's bytes. */
    static void assertKernelReadsIt(UserModeLinux.Boot boot, UraidArray a, int working) {
        String n = a.name();
        assertEquals("0", boot.value(n + ".assembled"), n + ": mdadm --assemble\n" + boot);
        assertEquals(a.size(), boot.longValue(n + ".size") * 512, n + ": md's size is uraid's");
        assertEquals(a.level(), boot.value(n + ".level"), n);
        assertEquals(a.members().size(), boot.longValue(n + ".raid_disks"), n);
        if (a.redundant()) {
            assertEquals(a.members().size() - working, boot.longValue(n + ".degraded"), n + ": missing members");
        }
        assertEquals(a.expectedSha256(), boot.value(n + ".sha256"),
                n + ": the kernel reads the bytes uraid wrote (pattern seed " + a.seed() + ")");
        if (a.redundant() && working == a.members().size()) {
            assertEquals("0", boot.value(n + ".mismatch"), n + ": md's check finds every copy equal");
        }
        assertEquals("0", boot.value(n + ".stopped"), n + ": mdadm --stop");
    }
}
