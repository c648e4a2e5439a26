package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.XorLevel;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multi-phase plans with scratch buffers and the range lock, through the fixture parity level
 * (a three-role RAID4): read-modify-write keeps the parity the XOR of the data on the members,
 * a read of a missing member is rebuilt from the others, and writes that share a stripe's
 * parity, all in flight at once, are serialised by the stripe lock (without it two
 * read-modify-writes read the same old parity and one update is lost).
 */
@Timeout(60)
class ParityPlanTest {
    private static final int CHUNK = 16 * 1024;
    private static final long MEMBER = 2L << 20;

    @Test
    void readModifyWriteKeepsParityAndAMissingMemberIsReadFromTheOthers() throws Exception {
        Path[] paths = paths("rmw");
        MemoryEngine engine = FixtureArrays.memoryDisks("rmw", 3, MEMBER, 64);
        RaidArray array = FixtureArrays.array(XorLevel.INSTANCE, CHUNK, engine, paths, MEMBER,
                FixtureArrays.inSync(3), 64, ArrayOptions.DEFAULT, null);
        try (NativeBuffer buf = NativeBuffer.allocate(1 << 20)) {
            array.start();
            byte[] reference = new byte[(int) array.size()];
            Random rnd = new Random(3);
            for (int i = 0; i < 200; i++) { // pieces of one to eight 4 KiB blocks, some crossing chunks
                int len = 4096 * (1 + rnd.nextInt(8));
                long at = 4096L * rnd.nextInt((int) (array.size() - len) / 4096);
                write(array, buf, reference, at, len, rnd);
            }
            assertParity(engine, paths, array.size());
            assertArrayEquals(reference, read(array, buf, 0, reference.length), "data as written");

            assertTrue(array.fail(0));
            assertArrayEquals(reference, read(array, buf, 0, reference.length),
                    "role 0's chunks rebuilt from role 1 and the parity");
            for (int i = 0; i < 50; i++) { // degraded writes keep the parity right for role 0's data
                int len = 4096 * (1 + rnd.nextInt(4));
                long at = 4096L * rnd.nextInt((int) (array.size() - len) / 4096);
                write(array, buf, reference, at, len, rnd);
            }
            assertArrayEquals(reference, read(array, buf, 0, reference.length), "degraded writes read back");
        } finally {
            close(array, engine);
        }
    }

    @Test
    void writesWithTheParityMemberMissingNeedNoReads() throws Exception {
        Path[] paths = paths("noparity");
        MemoryEngine engine = FixtureArrays.memoryDisks("noparity", 3, MEMBER, 64);
        RaidArray array = FixtureArrays.array(XorLevel.INSTANCE, CHUNK, engine, paths, MEMBER,
                FixtureArrays.inSync(3), 64, ArrayOptions.DEFAULT, null);
        try (NativeBuffer buf = NativeBuffer.allocate(1 << 20)) {
            array.start();
            assertTrue(array.fail(XorLevel.PARITY));
            byte[] reference = new byte[(int) array.size()];
            Random rnd = new Random(8);
            for (int i = 0; i < 40; i++) { // plans whose first phase has no legs
                int len = 4096 * (1 + rnd.nextInt(4));
                long at = 4096L * rnd.nextInt((int) (array.size() - len) / 4096);
                write(array, buf, reference, at, len, rnd);
            }
            assertArrayEquals(reference, read(array, buf, 0, reference.length));
        } finally {
            close(array, engine);
        }
    }

    @Test
    void writesSharingAStripeAllInFlightAtOnceKeepItsParity() throws Exception {
        Path[] paths = paths("lock");
        MemoryEngine engine = FixtureArrays.memoryDisks("lock", 3, MEMBER, 256);
        RaidArray array = FixtureArrays.array(XorLevel.INSTANCE, CHUNK, engine, paths, MEMBER,
                FixtureArrays.inSync(3), 256, ArrayOptions.DEFAULT, null);
        int writes = 64;
        try (NativeBuffer buf = NativeBuffer.allocate(writes * 4096)) {
            array.start();
            Random rnd = new Random(5);
            for (int i = 0; i < writes * 4096; i++) {
                buf.view().put(i, (byte) rnd.nextInt());
            }
            CountDownLatch done = new CountDownLatch(writes);
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < writes; i++) {
                // Stripes 0 and 1 only, both data chunks: every write shares a parity block with others.
                long at = (i % 4) * CHUNK + (i / 4 % 4) * 4096L;
                array.write(at, 4096, buf.address() + i * 4096L, 0, (tag, r) -> {
                    if (r != 0) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                }, i);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(0, failed.get());
            assertParity(engine, paths, 4L * CHUNK);
        } finally {
            close(array, engine);
        }
    }

    private static Path[] paths(String name) {
        return new Path[] {FixtureArrays.disk(name, 0), FixtureArrays.disk(name, 1), FixtureArrays.disk(name, 2)};
    }

    private static void write(RaidArray array, NativeBuffer buf, byte[] reference, long at, int len, Random rnd)
            throws Exception {
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        buf.view().put(0, data);
        BlockingIo.write(array, at, len, buf.address(), 0);
        System.arraycopy(data, 0, reference, (int) at, len);
    }

    private static byte[] read(RaidArray array, NativeBuffer buf, long at, int len) throws Exception {
        byte[] out = new byte[len];
        for (int done = 0; done < len; done += buf.capacity()) {
            int n = Math.min(buf.capacity(), len - done);
            BlockingIo.read(array, at + done, n, buf.address());
            buf.view().get(0, out, done, n);
        }
        return out;
    }

    /** Role 2 holds the XOR of roles 0 and 1 over the first {@code arrayBytes} / 2 of each data area. */
    private static void assertParity(MemoryEngine engine, Path[] paths, long arrayBytes) {
        int n = (int) (arrayBytes / 2);
        MemoryDisk d0 = engine.disk(paths[0]);
        MemoryDisk d1 = engine.disk(paths[1]);
        MemoryDisk p = engine.disk(paths[2]);
        byte[] a = d0.bytes(FixtureArrays.DATA_OFFSET, n);
        byte[] b = d1.bytes(FixtureArrays.DATA_OFFSET, n);
        byte[] parity = p.bytes(FixtureArrays.DATA_OFFSET, n);
        for (int i = 0; i < n; i++) {
            if ((byte) (a[i] ^ b[i]) != parity[i]) {
                throw new AssertionError("parity wrong at member byte " + i + " (stripe " + i / CHUNK + ")");
            }
        }
    }

    private static void close(RaidArray array, MemoryEngine engine) throws Exception {
        array.close();
        for (Member m : array.members()) {
            if (m.device() != null) {
                m.device().close();
            }
        }
        engine.close();
    }
}
