package io.uraid.arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.array.RaidArray;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.TestEngines;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Creates arrays of every level on member files, writes random data through the array from
 * several threads, and checks the bytes three ways: read back through the array, read straight
 * from the member files where md's layout puts them, and after re-assembly in shuffled order.
 * mdadm --examine must agree with every superblock.
 */
class ArrayEndToEndTest {
    private static final long MEMBER_BYTES = 24L << 20;

    static IoEngine engine() throws IOException {
        return TestEngines.open(256);
    }

    @ParameterizedTest(name = "{0} x{1} chunk {2}K layout {3}")
    @CsvSource({"linear,3,0,-1", "raid0,4,64,-1", "raid0,3,512,-1", "raid1,2,0,-1", "raid1,3,0,-1",
        "raid10,4,64,258", "raid10,3,64,258", "raid10,4,64,513", "raid10,4,64,66049"})
    void shouldStoreBytesWhereMdPutsThemAndReadThemBack(String levelName, int disks, int chunkKiB, int layout)
            throws Exception {
        try (Members files = new Members(levelName, disks, MEMBER_BYTES + disks * (1L << 20))) {
            var level = LevelRegistry.byName(levelName);
            CreateSpec spec = new CreateSpec("e2e", "testhost", level, disks, chunkKiB * 1024, layout, files.paths,
                    false, false);
            Geometry g;
            try (IoEngine eng = engine()) {
                g = ArrayCreator.create(spec, eng);
            }
            byte[] reference;
            long dataOffset;
            Layout layoutMath;
            try (OpenArray open = Assembler.assemble(files.paths, AssembleOptions.DEFAULT, engine())) {
                RaidArray array = open.array();
                assertEquals(level.layout(g).arraySize(), array.size());
                reference = new byte[(int) array.size()];
                writeRandomly(array, reference, 4, 60, 1234);
                BlockingIo.flush(array);
                verifyThroughArray(array, reference);
                dataOffset = open.member(0).dataOffset();
                layoutMath = array.layout();
                // The first sync create leaves to the first assembly ends before the stop: clean after it.
                assertTrue(open.redundancy().awaitSyncIdle(120_000));
            }
            verifyMemberBytes(files.paths, layoutMath, dataOffset, reference);
            Mdadm.require();
            checkMdadmAgrees(files.paths, level.name(), disks, chunkKiB, "clean");
            List<Path> shuffled = new ArrayList<>(files.paths);
            Collections.shuffle(shuffled, new Random(7));
            try (OpenArray again = Assembler.assemble(shuffled, AssembleOptions.DEFAULT, engine())) {
                verifyThroughArray(again.array(), reference);
            }
        }
    }

    /** Each thread writes random runs (crossing chunk boundaries) to its own stripe of offsets. */
    static void writeRandomly(RaidArray array, byte[] reference, int threads, int writesPerThread, long seed)
            throws Exception {
        writeRandomly(array, reference, threads, writesPerThread, seed, new java.util.concurrent.atomic.AtomicInteger());
    }

    /** As above, counting acknowledged writes in {@code acked} (so a test can act mid-run). */
    static void writeRandomly(RaidArray array, byte[] reference, int threads, int writesPerThread, long seed,
                              java.util.concurrent.atomic.AtomicInteger acked) throws Exception {
        int bs = array.blockSize();
        long blocks = array.size() / bs;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                done.add(pool.submit(() -> {
                    Random rnd = new Random(seed + thread);
                    long region = blocks / threads;
                    try (NativeBuffer buf = NativeBuffer.allocate(256 * 1024)) {
                        for (int i = 0; i < writesPerThread; i++) {
                            int len = (1 + rnd.nextInt(64)) * bs;
                            long start = (thread * region + rnd.nextInt((int) Math.max(1, region - len / bs))) * bs;
                            byte[] data = new byte[len];
                            rnd.nextBytes(data);
                            buf.view().put(data);
                            BlockingIo.write(array, start, len, buf.address(), 0);
                            System.arraycopy(data, 0, reference, (int) start, len);
                            acked.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static void verifyThroughArray(RaidArray array, byte[] reference) throws IOException {
        int step = 1 << 20;
        try (NativeBuffer buf = NativeBuffer.allocate(step)) {
            for (long at = 0; at < reference.length; at += step) {
                int len = (int) Math.min(step, reference.length - at);
                BlockingIo.read(array, at, len, buf.address());
                byte[] got = new byte[len];
                buf.view().get(got);
                byte[] want = java.util.Arrays.copyOfRange(reference, (int) at, (int) at + len);
                assertArrayEquals(want, got, "array bytes differ in [" + at + ", " + (at + len) + ")");
            }
        }
    }

    /** Every copy of every 4 KiB block sits on the member and offset md's layout gives. */
    static void verifyMemberBytes(List<Path> files, Layout layout, long dataOffset, byte[] reference) throws IOException {
        RandomAccessFile[] raf = new RandomAccessFile[layout.raidDisks()];
        try {
            for (int i = 0; i < raf.length; i++) {
                raf[i] = new RandomAccessFile(files.get(i).toFile(), "r");
            }
            byte[] block = new byte[4096];
            for (long at = 0; at < reference.length; at += 4096) {
                for (int c = 0; c < layout.copies(); c++) {
                    int m = layout.member(at, c);
                    raf[m].seek(dataOffset + layout.memberOffset(at, c));
                    raf[m].readFully(block);
                    for (int i = 0; i < block.length; i++) {
                        if (block[i] != reference[(int) at + i]) {
                            throw new AssertionError("copy " + c + " of array offset " + at + " on member " + m
                                    + " differs at byte " + i);
                        }
                    }
                }
            }
        } finally {
            for (RandomAccessFile r : raf) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    /**
     * mdadm --examine of every member: md's level, devices, roles, name, one UUID, and the state
     * mdadm derives from resync_offset ("active" while a resync is owed, as after mdadm --create
     * of a mirror; "clean" once it is done).
     */
    static void checkMdadmAgrees(List<Path> files, String level, int disks, int chunkKiB, String state)
            throws Exception {
        String uuid = null;
        for (int i = 0; i < disks; i++) {
            Map<String, String> f = Mdadm.examine(files.get(i));
            assertEquals("1.2", f.get("Version"), f.get("_raw"));
            assertEquals(level, f.get("Raid Level"), f.get("_raw"));
            assertEquals(String.valueOf(disks), f.get("Raid Devices"), f.get("_raw"));
            assertEquals("Active device " + i, f.get("Device Role"), f.get("_raw"));
            assertTrue(f.get("Checksum").endsWith("correct"), f.get("_raw"));
            assertTrue(f.get("Name").startsWith("testhost:e2e"), f.get("_raw"));
            if (!level.equals("raid1") && !level.equals("linear")) {
                assertEquals((chunkKiB == 0 ? 512 : chunkKiB) + "K", f.get("Chunk Size"), f.get("_raw"));
            }
            if (uuid == null) {
                uuid = f.get("Array UUID");
            }
            assertEquals(uuid, f.get("Array UUID"), "every member carries the same array UUID");
            assertEquals(state, f.get("State"), f.get("_raw"));
        }
        assertTrue(uuid != null && uuid.matches("[0-9a-f]{8}(:[0-9a-f]{8}){3}"), uuid);
    }
}
