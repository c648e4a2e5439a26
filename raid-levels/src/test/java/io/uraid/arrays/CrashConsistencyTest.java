package io.uraid.arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Layout;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import io.uraid.io.testing.RecordingEngine;
import io.uraid.levels.ParityArrayLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Power cuts at many moments of a recorded run (dm-log-writes style): every fsync and FUA
 * completion and random moments between, each with the writes not yet durable landing all,
 * none, on one side of the mirror only (raid5/6: torn stripes, some data and some parity legs
 * landed), or at random. Each crash state is assembled, resynced
 * and checked: every write the array promised (acknowledged before a completed flush, or FUA)
 * reads back intact, every other block holds one whole version written to it, the copies agree
 * (raid5/6: every stripe's parity matches its data) after the resync, and the superblocks and bitmaps are clean after an orderly stop.
 */
@Timeout(300)
class CrashConsistencyTest {
    private static final long MEMBER = 5L << 20;
    private static final long AREA = 1L << 20;

    @ParameterizedTest(name = "{0} x{1} bitmap {2}")
    @CsvSource({"raid1,2,INTERNAL,64", "raid1,2,NONE,24", "raid10,4,INTERNAL,40", "raid5,3,INTERNAL,40",
        "raid5,4,NONE,20", "raid6,4,INTERNAL,30"})
    void everyPromisedWriteSurvivesEveryCrash(String level, int disks, BitmapMode bitmap, int moments)
            throws Exception {
        Logger.getLogger("io.uraid").setLevel(Level.WARNING); // hundreds of assemblies: keep the log short
        MemoryMembers mm = new MemoryMembers("crash-" + level, disks, MEMBER);
        mm.create(level, disks, bitmap, 64 * 1024);
        Map<Path, byte[]> base = new HashMap<>();
        for (int i = 0; i < disks; i++) {
            base.put(mm.paths.get(i), mm.disks[i].bytes(0, (int) MEMBER));
        }
        AtomicLong clock = new AtomicLong();
        RecordingEngine rec = new RecordingEngine(mm.engine(), clock);
        AssembleOptions opts = AssembleOptions.DEFAULT.withRun(true)
                .withRedundancy(RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(1));
        CrashWorkload work = new CrashWorkload(clock);
        Layout layout;
        long dataOffset;
        try (OpenArray open = Assembler.assemble(mm.paths, opts, rec)) {
            layout = open.array().layout();
            dataOffset = open.member(0).dataOffset();
            work.run(open.array(), AREA, 40, 17);
            rec.stopRecording();
        }
        CrashReplay replay = new CrashReplay(rec.log());
        long[] points = replay.interestingMoments(moments / 2, 5);
        long[] chosen = spread(points, moments);
        int states = 0;
        for (long t : chosen) {
            for (CrashReplay.Policy p : CrashReplay.Policy.values()) {
                checkState(mm.paths, base, replay, t, p, states, opts, work, layout, dataOffset);
                states++;
            }
        }
        System.out.println("crash states checked (" + level + " x" + disks + ", bitmap " + bitmap + "): " + states
                + " at " + chosen.length + " moments of " + rec.log().size() + " logged member writes; losses 0");
        assertTrue(states >= 100, "too few crash states: " + states);
    }

    /** Up to {@code n} moments spread evenly over the sorted {@code points}. */
    private static long[] spread(long[] points, int n) {
        if (points.length <= n) {
            return points;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = points[(int) ((long) i * (points.length - 1) / (n - 1))];
        }
        return out;
    }

    private static void checkState(List<Path> paths, Map<Path, byte[]> base, CrashReplay replay, long t,
                                   CrashReplay.Policy policy, long seed, AssembleOptions opts, CrashWorkload work,
                                   Layout layout, long dataOffset) throws Exception {
        String state = "crash at " + t + " (" + policy + ")";
        Map<Path, MemoryDisk> disks = new HashMap<>();
        MemoryEngine engine = new MemoryEngine(Assembler.ENGINE_ENTRIES);
        for (Path p : paths) {
            MemoryDisk d = new MemoryDisk(MEMBER);
            putSparse(d, base.get(p));
            disks.put(p, d);
            engine.attach(p, d);
        }
        replay.build(disks, paths.get(0), t, policy, seed);
        try (OpenArray open = Assembler.assemble(paths, opts, engine)) {
            RaidArray array = open.array();
            assertEquals(paths.size(), array.workingCount(), state + ": every member assembles");
            assertTrue(open.redundancy().awaitSyncIdle(30_000), state + ": resync finishes");
            assertTrue(open.redundancy().syncStatus().lastCompleted(), state);
            byte[] got = Redundant.read(array, 0, (int) AREA);
            for (long block = 0; block < AREA; block += CrashWorkload.BLOCK) {
                byte[] actual = Arrays.copyOfRange(got, (int) block, (int) block + CrashWorkload.BLOCK);
                List<byte[]> allowed = work.allowed(block, t);
                boolean ok = false;
                for (byte[] a : allowed) {
                    ok |= a == null ? isZero(actual) : Arrays.equals(a, actual);
                }
                assertTrue(ok, state + ": array block " + block + " holds none of the " + allowed.size()
                        + " versions allowed (the promised one or a later one)");
            }
        }
        MemoryDisk[] byPath = paths.stream().map(disks::get).toArray(MemoryDisk[]::new);
        if (layout instanceof ParityArrayLayout parity) { // torn stripes: some data, some parity legs landed
            assertEquals(-1, ParityRows.firstInconsistentStripe(byPath, parity.parity(), dataOffset),
                    state + ": a stripe's parity disagrees with its data after the resync");
        } else {
            assertEquals(0, differing(byPath, layout, dataOffset), state + ": copies disagree after the resync");
        }
        for (MemoryDisk d : byPath) {
            MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(d.bytes(4096, 4096)).order(ByteOrder.LITTLE_ENDIAN));
            assertTrue(sb.checksumValid(), state);
            assertEquals(MdConstants.RESYNC_DONE, sb.resyncOffset(), state + ": clean after an orderly stop");
            if (sb.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
                long at = (sb.superOffset() + sb.bitmapOffset()) * 512;
                BitmapImage img = BitmapImage.decode(ByteBuffer.wrap(d.bytes(at, 64 * 1024)));
                assertTrue(img.header().matches(sb.setUuid()), state + ": bitmap belongs to the array");
                assertEquals(sb.events(), img.header().events(), state + ": bitmap events follow the superblock");
                assertEquals(0, img.dirty(), state + ": bitmap clean after an orderly stop");
            }
        }
    }

    private static void putSparse(MemoryDisk d, byte[] image) {
        for (int at = 0; at < image.length; at += 4096) {
            for (int i = at; i < at + 4096; i++) {
                if (image[i] != 0) {
                    d.put(at, Arrays.copyOfRange(image, at, at + 4096));
                    break;
                }
            }
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long differing(MemoryDisk[] byRole, Layout layout, long dataOffset) {
        long n = 0;
        for (long at = 0; at < layout.arraySize(); at += 65536) {
            int len = (int) Math.min(65536, Math.min(layout.arraySize() - at, layout.bytesToBoundary(at)));
            byte[] first = copy(byRole, layout, dataOffset, at, 0, len);
            for (int c = 1; c < layout.copies(); c++) {
                if (!Arrays.equals(first, copy(byRole, layout, dataOffset, at, c, len))) {
                    n += len;
                    break;
                }
            }
        }
        return n;
    }

    private static byte[] copy(MemoryDisk[] byRole, Layout layout, long dataOffset, long at, int c, int len) {
        return byRole[layout.member(at, c)].bytes(dataOffset + layout.memberOffset(at, c), len);
    }
}
