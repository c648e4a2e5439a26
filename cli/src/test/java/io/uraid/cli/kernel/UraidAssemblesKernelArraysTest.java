package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.cli.cmd.PatternBytes;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kernel to uraid: arrays the real md driver created ({@code mdadm --create} in Linux 6.1 as a
 * user-mode process) and wrote a seeded pattern into, including a raid10 with a write-intent
 * bitmap that lost a member to {@code mdadm --fail} before being rewritten, and a raid1 whose
 * kernel was powered off ({@code poweroff -f}) in the middle of writes, its bitmap dirty. uraid,
 * on the host, assembles each from the member files and must read the bytes the kernel wrote,
 * leave the failed member out, and resync the power-cut mirror exactly where md would: the
 * chunks its bitmap marks.
 */
@Timeout(600)
class UraidAssemblesKernelArraysTest {
    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final long MIB = 1 << 20;
    private static final long SEED = 51;
    /** Rewrites: after the raid10 member failed (and, with the next, the power-cut loop). */
    private static final long SEED_B = 52;
    private static final long SEED_C = 53;
    /** Where the power-cut loop writes, in 64 KiB units: [2 MiB, 5 MiB). */
    private static final long LOOP_FROM = 2 * MIB;
    private static final long LOOP_TO = 5 * MIB;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("mdadm", "mdadm");
        TestEngines.best();
        dir = Cli.dir("kernel-made-");
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }


    @Test
    void uraidReadsWhatTheKernelWroteAndResyncsWhereMdWould() throws Exception {
        Path a = pattern(SEED);
        Path b = pattern(SEED_B);
        Path c = pattern(SEED_C);
        List<Path> attached = new ArrayList<>();
        long[] r0 = KernelAssemblesUraidArraysTest.RAID0_KIB;
        List<Path> orig = membersKiB("k0orig", attached, r0[0], r0[1], r0[2]);
        List<Path> alt = membersKiB("k0alt", attached, r0[2], r0[0], r0[1]);
        List<Path> deg = members("k10deg", attached, 5, 5, 5, 5);
        List<Path> off = members("k10o2", attached, 5, 5, 5);
        List<Path> pow = members("k1pow", attached, 10, 10);
        String q = UserModeLinux.quote(a.toString());
        String script = GuestMd.FUNCTIONS + GuestMd.MAKE
                + "create k0orig md0 --level=0 --chunk=64 --raid-devices=3 " + devs(attached, orig) + "\n"
                + "fill k0orig md0 " + q + "\nstop k0orig md0\n"
                + "create k0alt md1 --level=0 --layout=alternate --chunk=64 --raid-devices=3 " + devs(attached, alt)
                + "\nfill k0alt md1 " + q + "\nstop k0alt md1\n"
                + "create k10deg md2 --level=10 --layout=n2 --chunk=64 --raid-devices=4 --bitmap=internal "
                + "--bitmap-chunk=1M " + devs(attached, deg) + "\n"
                + "fill k10deg md2 " + q + "\n"
                + "mdadm /dev/md2 --fail " + GuestMd.device(attached, deg.get(2)) + " > /run/fail 2>&1\n"
                + "echo \"k10deg.failed=$?\"\n"
                + "fill k10deg_b md2 " + UserModeLinux.quote(b.toString()) + "\nstop k10deg md2\n"
                + "create k10o2 md3 --level=10 --layout=o2 --chunk=64 --raid-devices=3 " + devs(attached, off) + "\n"
                + "fill k10o2 md3 " + q + "\nstop k10o2 md3\n"
                + "create k1pow md4 --level=1 --raid-devices=2 --bitmap=internal --bitmap-chunk=1M "
                + devs(attached, pow) + "\n"
                + "fill k1pow md4 " + q + "\n"
                + bitmapClean("k1pow", GuestMd.device(attached, pow.get(0)))
                + powerCutLoop("md4", b, c)
                + "i=0; while [ ! -e /run/looped ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done\n"
                + "sleep 1\necho k1pow.poweroff=now\npoweroff -f\n";
        UserModeLinux.Boot boot = UserModeLinux.run(script, attached, dir.resolve("guest"), BOOT);
        assertFalse(boot.finished(), "the guest powered itself off under writes: " + boot);
        assertEquals("now", boot.value("k1pow.poweroff"), boot.toString());
        assertEquals("0", boot.value("k1pow.dirty_before_loop"), "md cleared the fill's bits before the loop: " + boot);

        uraidReadsIt(boot, "k0orig", orig, SEED);
        uraidReadsIt(boot, "k0alt", alt, SEED);
        UraidArray.assertTheRaid0LayoutsDiffer(orig);
        UraidArray.assertTheRaid0LayoutsDiffer(alt);
        assertEquals("1", boot.value("k0orig.layout"), "mdadm's default for unequal members: original");
        assertEquals("2", boot.value("k0alt.layout"));
        uraidReadsIt(boot, "k10o2", off, SEED);
        assertEquals("0", boot.value("k10deg.failed"), boot.toString());
        assertEquals("0", boot.value("k10deg_b.filled"), boot.toString());
        uraidResyncsThePowerCutMirrorWhereMdWould(boot, pow);
        uraidStartsTheFailedArrayWithoutItsMember(boot, deg);
    }

    /** uraid assembles the kernel's array at md's size and {@code uraid io --verify} reads the pattern. */
    private static void uraidReadsIt(UserModeLinux.Boot boot, String n, List<Path> members, long seed)
            throws Exception {
        assertEquals("0", boot.value(n + ".created"), n + ": mdadm --create\n" + boot);
        assertEquals("0", boot.value(n + ".filled"), n);
        assertEquals("0", boot.value(n + ".stopped"), n);
        long size = boot.longValue(n + ".size") * 512;
        assertEquals(size, UraidArray.arraySize(members), n + ": uraid's size is md's");
        List<String> verify = new ArrayList<>(List.of("io", "--verify", "--seed", Long.toString(seed)));
        members.forEach(m -> verify.add(m.toString()));
        Cli v = Cli.run(verify.toArray(new String[0]));
        assertEquals(0, v.code, n + ": uraid reads the bytes the kernel wrote: " + v);
        assertTrue(v.out.contains("verified " + size + " bytes"), v.out);
    }

    /**
     * The kernel failed member 2 and then rewrote the array: uraid starts it from all four
     * members, as mdadm would, without member 2 (its bytes are stale), and reads the rewrite.
     */
    private static void uraidStartsTheFailedArrayWithoutItsMember(UserModeLinux.Boot boot, List<Path> members)
            throws Exception {
        assertEquals("0", boot.value("k10deg.created"), boot.toString());
        long size = boot.longValue("k10deg.size") * 512;
        try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, TestEngines.open(64))) {
            assertEquals(size, open.array().size());
            assertEquals(3, open.array().workingCount(), "the member md failed stays out");
            assertNotEquals(MemberState.IN_SYNC, open.member(2).state());
        }
        List<String> verify = new ArrayList<>(List.of("io", "--verify", "--seed", Long.toString(SEED_B)));
        members.forEach(m -> verify.add(m.toString()));
        Cli v = Cli.run(verify.toArray(new String[0]));
        assertEquals(0, v.code, "uraid reads what the kernel wrote after the failure: " + v);
        assertTrue(v.out.contains("verified " + size + " bytes") && v.out.contains("(degraded)"), v.out);
    }

    /**
     * The power cut left md's bitmap dirty over the loop's region: uraid's resync covers exactly
     * the dirty chunks (what md resyncs), afterwards both members hold the same bytes, and
     * every block reads as one of the patterns the kernel wrote there (outside the loop: the
     * first one only).
     */
    private static void uraidResyncsThePowerCutMirrorWhereMdWould(UserModeLinux.Boot boot, List<Path> members)
            throws Exception {
        assertEquals("0", boot.value("k1pow.created"), boot.toString());
        assertEquals("0", boot.value("k1pow.filled"), boot.toString());
        long size = boot.longValue("k1pow.size") * 512;
        MdSuperblock sb = MemberExaminer.readV1(members.get(0));
        BitmapImage bitmap = MemberFiles.bitmap(members.get(0));
        long chunk = bitmap.header().chunkSize();
        long dirty = bitmap.dirty();
        assertTrue(dirty > 0, "the power cut left dirty bits");
        for (long bit = 0; bit < bitmap.bitCount(); bit++) {
            if (bitmap.isSet(bit)) {
                assertTrue(bit * chunk < LOOP_TO && (bit + 1) * chunk > LOOP_FROM, "dirty chunk " + bit
                        + " overlaps the region the kernel was writing");
            }
        }
        byte[] read = new byte[(int) size];
        try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, TestEngines.open(64))) {
            SyncStatus s = open.redundancy().syncStatus();
            assertEquals(SyncAction.RESYNC, s.action(), "an unclean array is resynced at assembly: " + s);
            assertEquals(Math.min(dirty * chunk, size), s.totalBytes(), "uraid resyncs the " + dirty
                    + " chunks md's bitmap marks, as md would");
            assertTrue(open.redundancy().awaitSyncIdle(120_000), "resync done");
            try (NativeBuffer buf = NativeBuffer.allocate((int) size)) {
                BlockingIo.read(open.array(), 0, (int) size, buf.address());
                buf.view().get(read);
            }
        }
        assertEquals(0, differingBytes(members, sb.dataOffset() * 512, size), "the members agree after the resync");
        ByteBuffer all = ByteBuffer.wrap(read);
        long rewritten = 0;
        for (long at = 0; at < size; at += 4096) {
            ByteBuffer block = all.slice((int) at, 4096);
            boolean first = PatternBytes.matches(SEED, block, at);
            if (at < LOOP_FROM || at >= LOOP_TO) {
                assertTrue(first, "offset " + at + " outside the loop holds what the kernel wrote first");
                continue;
            }
            boolean later = PatternBytes.matches(SEED_B, block, at) || PatternBytes.matches(SEED_C, block, at);
            assertTrue(first || later, "offset " + at + " holds one of the kernel's writes there");
            rewritten += later ? 1 : 0;
        }
        assertTrue(rewritten > 0, "the kernel's writes under the power cut are read");
    }

    /**
     * Waits (up to 5 min) until md has cleared every bit of the bitmap on {@code member}, as it
     * does a few seconds after the writes to a chunk end, and reports the dirty count it saw
     * last ({@code NAME.dirty_before_loop}): the power cut must find dirty only the chunks the
     * loop writes, however slowly the guest ran the fill.
     */
    private static String bitmapClean(String n, String member) {
        return "i=0; d=x; while [ \"$d\" != 0 ] && [ $i -lt 300 ]; do mdadm -X " + member + " > /run/" + n + ".x; "
                + "while read -r k c bits w1 w2 dirty rest; do [ \"$k\" = Bitmap ] && d=$dirty; done < /run/" + n
                + ".x; [ \"$d\" = 0 ] || sleep 1; i=$((i + 1)); done\necho \"" + n + ".dirty_before_loop=$d\"\n";
    }

    /**
     * A background loop writing the loop's region with the second and third patterns in turn,
     * direct I/O in 64 KiB writes, until the power goes; /run/looped appears once the region
     * has been rewritten whole (the power is cut after that, so the rewrites are there to read).
     */
    private static String powerCutLoop(String md, Path b, Path c) {
        long skip = LOOP_FROM / (64 << 10);
        long count = (LOOP_TO - LOOP_FROM) / (64 << 10);
        String dd = "dd of=/dev/" + md + " bs=64k skip=" + skip + " seek=" + skip + " count=" + count
                + " oflag=direct 2>/dev/null";
        return "(while :; do " + dd + " if=" + UserModeLinux.quote(b.toString()) + "; : > /run/looped; " + dd
                + " if=" + UserModeLinux.quote(c.toString()) + "; done) &\n";
    }

    private Path pattern(long seed) throws Exception {
        Path p = dir.resolve("pattern-" + seed);
        PatternBytes.writeFile(seed, p, 16 * MIB);
        return p;
    }

    private List<Path> members(String name, List<Path> attached, long... mib) throws Exception {
        return membersKiB(name, attached, UraidArray.mib(mib));
    }

    private List<Path> membersKiB(String name, List<Path> attached, long... kib) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < kib.length; i++) {
            files.add(Cli.file(dir, name + "-" + i + ".img", kib[i] << 10));
        }
        attached.addAll(files);
        return files;
    }

    private static String devs(List<Path> attached, List<Path> members) {
        StringBuilder s = new StringBuilder();
        for (Path m : members) {
            s.append(s.length() == 0 ? "" : " ").append(GuestMd.device(attached, m));
        }
        return s.toString();
    }

    /** Bytes in which the members' data areas [dataOffset, dataOffset + size) differ. */
    private static long differingBytes(List<Path> members, long dataOffset, long size) throws Exception {
        byte[][] data = new byte[members.size()][(int) size];
        for (int i = 0; i < members.size(); i++) {
            try (RandomAccessFile f = new RandomAccessFile(members.get(i).toFile(), "r")) {
                f.seek(dataOffset);
                f.readFully(data[i]);
            }
        }
        long n = 0;
        for (int i = 1; i < data.length; i++) {
            if (!Arrays.equals(data[0], data[i])) {
                for (int j = 0; j < size; j++) {
                    n += data[0][j] != data[i][j] ? 1 : 0;
                }
            }
        }
        return n;
    }
}
