package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.LeftOut;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.levels.ParityArrayLayout;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.ppl.PplArea;
import io.uraid.levels.ppl.PplLogUnit;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A device that takes a role of a raid5 with the partial parity log starts with md's empty
 * log (its area zeroed, an empty header of generation 0 with the array's signature), written
 * where its own superblock puts the log, before the rebuild copies anything to it: a log it
 * held before (valid checksums, this array's signature, a high generation) is never replayed
 * after a later unclean stop.
 */
@Timeout(300)
class PplJoiningDeviceTest {
    private static final long MEMBER = 20L * MIB;
    private static final int DISKS = 4;
    private static final int GONE = 3;
    /** Stripes written and read back. */
    private static final int STRIPES = 32;

    /**
     * A spare whose log area holds a stale log of this array (entries for stripes whose parity
     * it is about to hold, random partial parity with matching checksums, generation 1000)
     * takes a role, is rebuilt, and the array stops uncleanly with no log write to that device
     * since. The next assembly, degraded, replays the logs: every byte reads back as written,
     * the missing member's chunks rebuilt from parity that the stale entries would have spoilt.
     */
    @Test
    void aStaleLogOnADeviceTakingARoleIsNeverReplayed() throws Exception {
        try (Members files = new Members("pplj", DISKS + 1, MEMBER)) {
            List<Path> members = files.paths.subList(0, DISKS);
            Path spare = files.get(DISKS);
            create(members);
            ParityLayout layout = firstSession(members, spare);
            MdSuperblock spareSb = superblock(spare);
            PplArea area = PplArea.of(spareSb);
            int stale = writeStaleLog(spare, area, spareSb, layout);

            byte[] expected = Redundant.pattern(0, STRIPES * (int) layout.stripeBytes(), 1);
            List<Path> crashed = secondSessionCrashes(files, spare, layout, expected, false);
            MdSuperblock joined = superblock(crashed.get(GONE));
            assertEquals(GONE, joined.role(), "the spare holds the role in the crashed copy");
            assertFalse(joined.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET), "and is in sync there");
            assertNotEquals(MdConstants.RESYNC_DONE, joined.resyncOffset(), "the copy was taken while active");
            assertTrue(stale > 0);

            // Degraded: the chunks of role 2 come from parity, which the stale entries would rewrite.
            List<Path> degraded = List.of(crashed.get(0), crashed.get(1), crashed.get(GONE));
            try (OpenArray open = Redundant.assemble(degraded, 60_000)) {
                byte[] actual = Redundant.read(open.array(), 0, expected.length);
                assertEquals(-1, Arrays.mismatch(expected, actual), "first array byte read back wrong");
            }
        }
    }

    /**
     * A spare whose superblock puts its log elsewhere than the members' (another offset and
     * size, as mdadm --add with other defaults writes) keeps the role's log there: md's empty
     * header at its start once it joined, zeros after it, entries there once stripes it is
     * parity of are written, and nothing at the members' offset on it; the kernel assembles
     * the crashed array, recovers it from that log without a resync and finds it consistent.
     */
    @Test
    void aDeviceKeepsTheLogWhereItsOwnSuperblockPutsIt() throws Exception {
        try (Members files = new Members("pplo", DISKS + 1, MEMBER)) {
            List<Path> members = files.paths.subList(0, DISKS);
            Path spare = files.get(DISKS);
            create(members);
            ParityLayout layout = firstSession(members, spare);
            MdSuperblock memberSb = superblock(members.get(0));
            PplArea membersArea = PplArea.of(memberSb);
            // After the members' log and bad-block log, well before the data (4096 sectors here).
            MdSuperblock own = superblock(spare).toBuilder().ppl(2080, 1024).build();
            writeSuperblock(spare, own);
            PplArea area = PplArea.of(own);
            assertTrue(area.start() >= membersArea.start() + membersArea.bytes() && area.bytes() < membersArea.bytes());
            byte[] marker = new byte[membersArea.bytes()];
            Arrays.fill(marker, (byte) 0xa5);
            put(spare, membersArea.start(), marker);
            writeStaleLog(spare, area, own, layout);

            byte[] expected = Redundant.pattern(0, STRIPES * (int) layout.stripeBytes(), 1);
            List<Path> crashed = secondSessionCrashes(files, spare, layout, expected, true);
            Path joined = crashed.get(GONE);
            assertEquals(2080, superblock(joined).pplOffset(), "its superblock keeps its own log offset");
            assertEquals(1024, superblock(joined).pplSize());
            assertArrayEquals(marker, get(joined, membersArea.start(), marker.length),
                    "nothing was written at the members' log offset on it");
            PplHeader newest = PplHeader.decode(ByteBuffer.wrap(get(joined, area.start(), PplHeader.BYTES)));
            assertTrue(PplHeader.checksumValid(ByteBuffer.wrap(get(joined, area.start(), PplHeader.BYTES))));
            assertEquals(PplHeader.signature(own.setUuid()), newest.signature());
            assertTrue(newest.generation() > 0 && !newest.entries().isEmpty(), "its own area has the log: " + newest);
            for (PplHeader.Entry e : newest.entries()) {
                assertEquals(GONE, e.parityDisk());
            }
            KernelOracle.Verdict k = KernelOracle.assembleAndCheck(crashed, expected, files.dir.resolve("uml"));
            if (k != null) {
                assertEquals("ppl", k.policy(), k.console());
                assertEquals("0", k.degraded(), "the kernel took every device, the joined one included: " + k.console());
                assertEquals("none", k.resyncStart(), "the kernel recovered from the logs, the joined device's "
                        + "included, without a resync: " + k.console());
                assertEquals("same", k.data(), k.console());
                assertEquals("0", k.mismatches(), "the kernel's check: " + k.console());
            }
        }
    }

    /**
     * A member that failed holding a log of stripes it is parity of, re-added and rebuilt,
     * starts with md's empty log (the kernel's hot add writes it), not with its old entries.
     */
    @Test
    void aReAddedMemberStartsWithAnEmptyLog() throws Exception {
        try (Members files = new Members("pplr", DISKS, MEMBER)) {
            create(files.paths);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                ParityLayout layout = ((ParityArrayLayout) array.layout()).parity();
                for (long s = 0; s < STRIPES; s++) {
                    if (layout.pRole(s) == GONE) {
                        Redundant.write(array, s * layout.stripeBytes() + 4096, Redundant.pattern(s, 4096, 3));
                    }
                }
                BlockingIo.flush(array);
                Path member = files.get(GONE);
                PplArea area = PplArea.of(superblock(member));
                PplHeader held = PplHeader.decode(ByteBuffer.wrap(get(member, area.start(), PplHeader.BYTES)));
                assertFalse(held.entries().isEmpty(), "the member holds a log before it fails: " + held);

                assertTrue(array.fail(GONE));
                long until = System.nanoTime() + 30_000_000_000L;
                while (!open.reAdd(GONE) && System.nanoTime() < until) {
                    Thread.sleep(10); // its last legs are still coming back
                }
                awaitInSync(open, GONE);
                assertEmptyLog(member);
            }
        }
    }

    /**
     * A spare being rebuilt into role {@value #GONE} holds the log of the stripes whose parity
     * it holds once the rebuild has passed them (md logs to a device below its recovery_offset):
     * the array is copied while active during the rebuild, with the parity leg of the last such
     * write torn off on the copy (the old parity back), and the kernel, assembling the copy, replays
     * that device's log (ppl_load reads every device in a role), resumes the rebuild above the
     * recovery offset and finds every stripe consistent, without a resync.
     */
    @Test
    void aCrashDuringARebuildIsRecoveredFromTheLogOfTheDeviceBeingRebuilt() throws Exception {
        try (Members files = new Members("pplk", DISKS + 1, MEMBER)) {
            create(files.paths.subList(0, DISKS));
            ParityLayout layout = firstSession(files.paths.subList(0, DISKS), files.get(DISKS));
            List<Path> paths = withoutGone(files);
            Path spare = paths.get(GONE);
            long logged = STRIPES * (long) layout.chunkBytes(); // member bytes of the stripes written
            byte[] expected = Redundant.pattern(0, STRIPES * (int) layout.stripeBytes(), 1);
            AssembleOptions slow = AssembleOptions.DEFAULT.withRun(true)
                    .withRedundancy(RedundancyOptions.DEFAULT.withSyncSpeed(MIB, 2 * MIB));
            List<Path> crashed;
            try (OpenArray open = Assembler.assemble(paths, slow, ArrayEndToEndTest.engine())) {
                long until = System.nanoTime() + 60_000_000_000L;
                while ((open.member(GONE).state() != MemberState.REBUILDING || recoveryOffset(spare) < logged)
                        && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertEquals(MemberState.REBUILDING, open.member(GONE).state(), "the spare is being rebuilt");
                assertTrue(recoveryOffset(spare) >= logged, "its superblock records the stripes written as rebuilt");
                writeStripes(open.array(), layout, expected, s -> true);
                crashed = crashCopies(paths);
                assertEquals(MemberState.REBUILDING, open.member(GONE).state(), "copied during the rebuild");
            }
            // Only the newest log write of a device is replayed (md starts one only when the stripes of
            // the one before are written): the last stripe written whose parity the spare holds.
            long last = STRIPES - 1;
            while (layout.pRole(last) != GONE) {
                last--;
            }
            Path joined = crashed.get(GONE);
            long at = last * layout.stripeBytes() + 8192; // row 2 of data chunk 0
            long parityAt = superblock(joined).dataOffset() * 512 + layout.memberOffsetOfStripe(last) + 8192;
            byte[] parity = get(joined, parityAt, 4096);
            byte[] before = Redundant.pattern(at, 4096, 1);
            byte[] after = Redundant.pattern(at, 4096, 2);
            for (int i = 0; i < parity.length; i++) {
                parity[i] ^= (byte) (before[i] ^ after[i]); // the parity the stripe had before the write
            }
            put(joined, parityAt, parity);
            assertTrue(superblock(joined).recoveryOffset() * 512 >= logged, "the torn row lies below the offset");
            KernelOracle.Verdict k = KernelOracle.assembleAndCheck(crashed, expected, files.dir.resolve("uml"));
            if (k != null) {
                assertEquals("ppl", k.policy(), k.console());
                assertEquals("none", k.resyncStart(), "the kernel recovered from the logs without a resync: "
                        + k.console());
                assertEquals("same", k.data(), k.console());
                assertEquals("0", k.mismatches(), "the log on the device being rebuilt restored the torn parity: "
                        + k.console());
            }
        }
    }

    /** The recovery offset (bytes) the device's superblock records, -1 without one. */
    private static long recoveryOffset(Path dev) throws Exception {
        MdSuperblock sb = superblock(dev);
        return sb.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET) ? sb.recoveryOffset() * 512 : -1;
    }

    /** md refuses a device whose log would run into its data: uraid leaves such a spare out. */
    @Test
    void aSpareWhoseLogWouldOverlapItsDataIsLeftOut() throws Exception {
        try (Members files = new Members("pplx", DISKS + 1, MEMBER)) {
            List<Path> members = files.paths.subList(0, DISKS);
            Path spare = files.get(DISKS);
            create(members);
            firstSession(members, spare);
            MdSuperblock sb = superblock(spare);
            writeSuperblock(spare, sb.toBuilder().ppl(8, (int) sb.dataOffset()).build());
            List<Path> paths = new ArrayList<>(members.subList(0, GONE));
            paths.add(spare);
            try (OpenArray open = Redundant.assemble(paths, 60_000)) {
                List<LeftOut> out = open.leftOut();
                assertEquals(1, out.size(), out.toString());
                assertTrue(out.get(0).reason().contains("overlaps the data area"), out.toString());
                assertEquals(MemberState.MISSING, open.member(GONE).state());
            }
        }
    }

    private static void create(List<Path> members) throws Exception {
        CreateSpec spec = new CreateSpec("pplj", "testhost", LevelRegistry.byName("raid5"), DISKS, 64 << 10, -1,
                members, false, true, CreateSpec.BitmapMode.PPL, 0);
        try (IoEngine eng = ArrayEndToEndTest.engine()) {
            ArrayCreator.create(spec, eng);
        }
    }

    /** All members: the first stripes written (seed 1), {@code spare} added as a spare; a clean stop. */
    private static ParityLayout firstSession(List<Path> members, Path spare) throws Exception {
        try (OpenArray open = Redundant.assemble(members, 60_000)) {
            ParityLayout layout = ((ParityArrayLayout) open.array().layout()).parity();
            Redundant.write(open.array(), 0, Redundant.pattern(0, STRIPES * (int) layout.stripeBytes(), 1));
            try (IoEngine prep = ArrayEndToEndTest.engine()) {
                open.addSpare(spare, prep, false);
            }
            return layout;
        }
    }

    /**
     * Without member {@value #GONE}, {@code spare} takes its role and is rebuilt; then 4 KiB is
     * written in each stripe whose parity it holds ({@code logToIt}) or in each other stripe
     * (its log untouched since it joined), noted in {@code expected}; the member files are
     * copied while the array is active. Returns the copies (the spare's at index {@value #GONE}).
     */
    private static List<Path> secondSessionCrashes(Members files, Path spare, ParityLayout layout, byte[] expected,
                                                   boolean logToIt) throws Exception {
        List<Path> paths = withoutGone(files);
        try (OpenArray open = Redundant.assemble(paths, 60_000)) {
            RaidArray array = open.array();
            awaitInSync(open, GONE);
            assertEmptyLog(spare);
            writeStripes(array, layout, expected, s -> (layout.pRole(s) == GONE) == logToIt);
            return crashCopies(paths);
        }
    }

    /** The members but role {@value #GONE}'s, and the spare (the last file) in its place. */
    private static List<Path> withoutGone(Members files) {
        List<Path> paths = new ArrayList<>(files.paths.subList(0, GONE));
        paths.add(files.get(DISKS));
        return paths;
    }

    /**
     * 4 KiB at byte 8192 of each of the first {@value #STRIPES} stripes {@code which} takes,
     * noted in {@code expected}; then a flush.
     */
    private static void writeStripes(RaidArray array, ParityLayout layout, byte[] expected,
                                     java.util.function.LongPredicate which) throws Exception {
        for (long s = 0; s < STRIPES; s++) {
            if (which.test(s)) {
                long at = s * layout.stripeBytes() + 8192;
                byte[] data = Redundant.pattern(at, 4096, 2);
                Redundant.write(array, at, data);
                System.arraycopy(data, 0, expected, (int) at, data.length);
            }
        }
        BlockingIo.flush(array);
    }

    /** Copies of the member files taken while the array is active: what a crash leaves. */
    private static List<Path> crashCopies(List<Path> paths) throws Exception {
        List<Path> copies = new ArrayList<>();
        for (Path p : paths) {
            Path c = p.resolveSibling(p.getFileName() + ".crash");
            java.nio.file.Files.copy(p, c, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            copies.add(c);
        }
        return copies;
    }

    private static void awaitInSync(OpenArray open, int role) throws Exception {
        long until = System.nanoTime() + 120_000_000_000L;
        while (open.member(role).state() != MemberState.IN_SYNC && System.nanoTime() < until) {
            assertTrue(open.redundancy().awaitSyncIdle(120_000));
            Thread.sleep(10); // a spare is taken on the dispatcher's next turn
        }
        assertEquals(MemberState.IN_SYNC, open.member(role).state(), "the device was rebuilt into role " + role);
    }

    /** md's empty log where the device's own superblock puts it: header of generation 0, then zeros. */
    private static void assertEmptyLog(Path dev) throws Exception {
        MdSuperblock own = superblock(dev);
        PplArea area = PplArea.of(own);
        byte[] cleared = new byte[area.bytes()];
        System.arraycopy(PplHeader.empty(own.setUuid()).encode(), 0, cleared, 0, PplHeader.BYTES);
        assertArrayEquals(cleared, get(dev, area.start(), area.bytes()), "md's empty log on the device that joined");
        PplHeader h = PplHeader.decode(ByteBuffer.wrap(cleared));
        assertTrue(PplHeader.checksumValid(ByteBuffer.wrap(cleared)) && h.generation() == 0 && h.entries().isEmpty());
    }

    /**
     * A log write as md's would look in {@code area}: this array's signature, generation 1000,
     * one entry per stripe (among the first {@value #STRIPES}) whose parity is role
     * {@value #GONE}, each for the first 4 KiB of the stripe's first data chunk, with random
     * partial parity and its right checksum. Returns the entries.
     */
    private static int writeStaleLog(Path dev, PplArea area, MdSuperblock sb, ParityLayout layout) throws Exception {
        PplLogUnit unit = new PplLogUnit(PplHeader.signature(sb.setUuid()), layout.chunkBytes(), 512,
                area.partialParitySpace());
        Random rnd = new Random(5);
        byte[] pp = new byte[4096];
        int entries = 0;
        try (unit; NativeBuffer buf = NativeBuffer.allocate(4096)) {
            unit.reset(1000);
            for (long s = 0; s < STRIPES && entries < 6; s++) {
                if (layout.pRole(s) != GONE) {
                    continue;
                }
                rnd.nextBytes(pp);
                buf.view().put(pp);
                long first = layout.arrayOffsetOf(s, 0);
                unit.addRows(layout.memberOffsetOf(first), first, 1, GONE, buf.address(), 4096);
                entries++;
            }
            int bytes = unit.seal();
            byte[] b = new byte[bytes];
            unit.view().get(b);
            put(dev, area.start(), b);
        }
        return entries;
    }

    static MdSuperblock superblock(Path dev) throws Exception {
        return MdSuperblock.decode(ByteBuffer.wrap(get(dev, 8 * 512, MdConstants.SUPERBLOCK_BYTES)));
    }

    private static void writeSuperblock(Path dev, MdSuperblock sb) throws Exception {
        put(dev, sb.superOffset() * 512, sb.encode());
    }

    private static byte[] get(Path dev, long at, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(at);
            f.readFully(b);
            return b;
        }
    }

    private static void put(Path dev, long at, byte[] b) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "rw")) {
            f.seek(at);
            f.write(b);
        }
    }
}
