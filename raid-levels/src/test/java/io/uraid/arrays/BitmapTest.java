package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.bitmap.WriteIntentBitmap;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LoopDevice;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write-intent bitmap on member files through real io_uring: mdadm reads what uraid
 * writes, bits are durable before the data they cover, concurrent writes share bitmap
 * updates, and idle chunks clear lazily.
 */
@Timeout(120)
class BitmapTest {
    private static final long MEMBER = 34L * MIB;

    private static void assumeMdadm() {
        Mdadm.require(); // the independent bitmap reader
        LoopDevice.assumeAvailable(); // mdadm -X finds the bitmap only on block devices
    }

    @Test
    void mdadmReadsTheBitmapAndAgreesOnDirtyChunks() throws Exception {
        assumeMdadm();
        try (Members files = new Members("bm-x", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, null, MIB); // internal is the default for raid1
            Map<String, String> ex = Mdadm.examine(files.get(0));
            assertEquals("8 sectors from superblock", ex.get("Internal Bitmap"), ex.get("_raw"));
            long[] fresh = Redundant.examineBitmap(files.get(0));
            assertEquals(0, fresh[1], "a new array's bitmap is clean (its mirrors were synced at create)");
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                RaidArray array = open.array();
                WriteIntentBitmap bm = open.redundancy().bitmap();
                assertEquals((array.size() + MIB - 1) / MIB, bm.bitCount());
                assertEquals(bm.bitCount(), fresh[0], "mdadm counts the same number of chunks");
                Redundant.write(array, 3L * MIB + 4096, Redundant.pattern(3L * MIB + 4096, 8192, 1));
                Redundant.write(array, 8L * MIB - 4096, Redundant.pattern(8L * MIB - 4096, 8192, 1)); // chunks 7 and 8
                BlockingIo.flush(array);
                assertEquals(3, bm.dirtyOnDisk());
                for (int i = 0; i < 2; i++) {
                    assertEquals(3, Redundant.examineBitmap(files.get(i))[1], "mdadm -X dirty count on member " + i);
                }
                long updates = bm.updates();
                for (int i = 0; i < 50; i++) {
                    Redundant.write(array, 3L * MIB + i * 4096L, Redundant.pattern(3L * MIB + i * 4096L, 4096, 2));
                }
                assertEquals(updates, bm.updates(), "writes to a chunk whose bit is already set cost no bitmap write");
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(0, Redundant.examineBitmap(files.get(i))[1], "an orderly stop leaves the bitmap clean");
                assertEquals("clean", Mdadm.examine(files.get(i)).get("State"));
            }
        }
    }

    @Test
    void concurrentWritesShareBitmapUpdates() throws Exception {
        try (Members files = new Members("bm-batch", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000);
                 NativeBuffer buf = NativeBuffer.allocate(32 * 4096)) {
                RaidArray array = open.array();
                WriteIntentBitmap bm = open.redundancy().bitmap();
                int n = 32;
                for (int i = 0; i < n; i++) {
                    buf.view(i * 4096, 4096).put(Redundant.pattern(i * (long) MIB, 4096, 3));
                }
                long before = bm.updates();
                CountDownLatch done = new CountDownLatch(n);
                AtomicInteger errors = new AtomicInteger();
                for (int i = 0; i < n; i++) { // one write into each of 32 clean chunks, all at once
                    array.write(i * (long) MIB, 4096, buf.address() + i * 4096L, 0, (tag, r) -> {
                        if (r < 0) {
                            errors.incrementAndGet();
                        }
                        done.countDown();
                    }, i);
                }
                assertTrue(done.await(30, TimeUnit.SECONDS));
                assertEquals(0, errors.get());
                long used = bm.updates() - before;
                assertEquals(n, bm.dirtyOnDisk());
                assertTrue(used < n / 2, "32 concurrent writes to clean chunks took " + used + " bitmap updates");
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(Redundant.pattern(i * (long) MIB, 4096, 3), Redundant.read(array, i * (long) MIB, 4096));
                }
            }
        }
    }

    @Test
    void idleChunksClearLazilyWhileTheArrayRuns() throws Exception {
        assumeMdadm();
        try (Members files = new Members("bm-lazy", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            try (OpenArray open = Redundant.assemble(files.paths, 1000)) {
                RaidArray array = open.array();
                WriteIntentBitmap bm = open.redundancy().bitmap();
                Redundant.write(array, 5L * MIB, Redundant.pattern(5L * MIB, 65536, 4));
                Redundant.write(array, 9L * MIB, Redundant.pattern(9L * MIB, 65536, 4));
                assertEquals(2, bm.dirtyOnDisk(), "bits are set before the writes complete");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (bm.dirtyOnDisk() != 0 && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                assertEquals(0, bm.dirtyOnDisk(), "idle chunks are cleared after two clear passes");
                assertEquals(0, Redundant.examineBitmap(files.get(0))[1], "mdadm sees the cleared bitmap");
                assertArrayEquals(Redundant.pattern(5L * MIB, 65536, 4), Redundant.read(array, 5L * MIB, 65536));
            }
        }
    }

    @Test
    void bitmapNoneAndStripedLevelsHaveNoBitmap() throws Exception {
        try (Members files = new Members("bm-none", 2, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.NONE, 0);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                assertNull(open.redundancy().bitmap());
            }
            Mdadm.require();
            assertNull(Mdadm.examine(files.get(0)).get("Internal Bitmap"));
            Redundant.create(files, "raid0", 2, null, 0, true);
            try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                assertNull(open.redundancy().bitmap(), "raid0 gets no bitmap by default");
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Redundant.create(files, "raid0", 2, BitmapMode.INTERNAL, 0, true));
            assertTrue(e.getMessage().contains("bitmap"), e.getMessage());
        }
    }
}
