package io.uraid.io.engines;

import static io.uraid.io.engines.EngineHarness.await;
import static io.uraid.io.engines.EngineHarness.backingBytes;
import static io.uraid.io.engines.EngineHarness.get;
import static io.uraid.io.engines.EngineHarness.put;
import static io.uraid.io.engines.EngineHarness.random;
import static io.uraid.io.engines.EngineHarness.read;
import static io.uraid.io.engines.EngineHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.uraid.io.BlockDevice;
import io.uraid.io.EngineKind;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.engines.EngineHarness.Setup;
import io.uraid.io.engines.EngineHarness.Target;
import io.uraid.io.uring.IoUringEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes in, the same bytes out: every engine, on a file and on a loop device. */
class EngineDataTest {
    private static final String ALL = "io.uraid.io.engines.EngineHarness#engineTargets";

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void writesReadBackAtVariousOffsetsAndLengths(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 64); NativeBuffer buf = NativeBuffer.allocate(2 << 20)) {
            int lbs = s.dev.logicalBlockSize();
            // Offsets and lengths in units of the logical block size (512-byte sectors where the
            // device allows them, so not all 4 KiB-aligned), a 1 MiB transfer and the last blocks.
            long[][] cases = {{0, lbs}, {lbs, lbs}, {7L * lbs, 3 * lbs}, {8L * lbs, 8 * lbs}, {1000L * lbs, 17 * lbs},
                {1 << 20, 1 << 20}, {s.dev.size() - 2 * lbs, 2 * lbs}};
            long seed = 1;
            for (long[] c : cases) {
                long off = c[0];
                int len = (int) c[1];
                byte[] data = random(len, seed++);
                put(buf, 0, data);
                assertEquals(len, write(s.engine, s.dev, off, buf.address(), len), "write at " + off);
                put(buf, 0, new byte[len]);
                assertEquals(len, read(s.engine, s.dev, off, buf.address(), len), "read at " + off);
                assertArrayEquals(data, get(buf, 0, len), "bytes read back at " + off + " length " + len);
                assertArrayEquals(data, backingBytes(s.backing, off, len), "backing file at " + off);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void fsyncAndFdatasyncSucceedAfterWrites(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            put(buf, 0, random(4096, 3));
            assertEquals(4096, write(s.engine, s.dev, 8192, buf.address(), 4096));
            assertEquals(0, await(s.engine, s.engine.prepFsync(s.dev, false, 1, 0), 1), "fsync");
            assertEquals(4096, write(s.engine, s.dev, 12288, buf.address(), 4096));
            assertEquals(0, await(s.engine, s.engine.prepFsync(s.dev, true, 2, 0), 2), "fdatasync");
            assertArrayEquals(get(buf, 0, 4096), backingBytes(s.backing, 12288, 4096));
        }
    }

    /**
     * Native engines punch a hole (files) or zero out the range (block devices); a loop device
     * can do that only when it advertises write-zeroes. The portable engine cannot, and says so.
     * A refused discard leaves the data as it was.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void discardReadsBackZeroesOrIsRefused(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(65536)) {
            byte[] data = random(65536, 4);
            put(buf, 0, data);
            assertEquals(65536, write(s.engine, s.dev, 65536, buf.address(), 65536));
            int r = await(s.engine, s.engine.prepDiscard(s.dev, 65536 + 4096, 32768, 5, 0), 5);
            boolean expectSupported = kind != EngineKind.PORTABLE
                    && (target == Target.FILE || writeZeroesMaxBytes(s.path) > 0);
            assertEquals(expectSupported ? 0 : -Errno.EOPNOTSUPP, r, "discard result: " + Errno.name(r));
            put(buf, 0, new byte[65536]);
            assertEquals(65536, read(s.engine, s.dev, 65536, buf.address(), 65536));
            byte[] expected = data.clone();
            if (expectSupported) {
                Arrays.fill(expected, 4096, 4096 + 32768, (byte) 0);
            }
            assertArrayEquals(expected, get(buf, 0, 65536));
        }
    }

    private static long writeZeroesMaxBytes(Path loop) throws IOException {
        Path p = Path.of("/sys/block", loop.getFileName().toString(), "queue", "write_zeroes_max_bytes");
        return Long.parseLong(Files.readString(p).trim());
    }

    /** A read that runs past the end completes short with the bytes that exist; one past it reads 0. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void readAcrossTheEndCompletesShort(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(3 * 4096)) {
            long last = s.dev.size() - 4096;
            byte[] data = random(4096, 6);
            put(buf, 0, data);
            assertEquals(4096, write(s.engine, s.dev, last, buf.address(), 4096));
            put(buf, 0, new byte[3 * 4096]);
            assertEquals(4096, read(s.engine, s.dev, last, buf.address(), 3 * 4096), "short read at the end");
            assertArrayEquals(data, get(buf, 0, 4096));
            assertEquals(0, read(s.engine, s.dev, s.dev.size(), buf.address(), 4096), "read at the end");
        }
    }

    /** Fixed buffers are used where the engine has them (io_uring: READ_FIXED/WRITE_FIXED) and data is right. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void registeredBuffersCarryTheRightBytes(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 16); NativeBuffer region = NativeBuffer.allocate(1 << 20);
             NativeBuffer outside = NativeBuffer.allocate(8192)) {
            s.engine.registerBuffers(region);
            long fixedBefore = fixedOps(s.engine);
            byte[] a = random(65536, 7);
            byte[] b = random(8192, 8);
            put(region, 65536, a);
            put(outside, 0, b);
            assertEquals(65536, write(s.engine, s.dev, 1 << 20, region.address() + 65536, 65536));
            assertEquals(8192, write(s.engine, s.dev, 2 << 20, outside.address(), 8192));
            put(region, 0, new byte[1 << 20]);
            assertEquals(65536, read(s.engine, s.dev, 1 << 20, region.address() + 4096, 65536));
            assertArrayEquals(a, get(region, 4096, 65536));
            assertEquals(8192, read(s.engine, s.dev, 2 << 20, region.address() + (1 << 20) - 8192, 8192));
            assertArrayEquals(b, get(region, (1 << 20) - 8192, 8192));
            if (s.engine instanceof IoUringEngine) {
                assertTrue(((IoUringEngine) s.engine).usesFixedBuffers(), "fixed buffers were refused");
                // Two reads and one write fell inside the region; the write from outside did not.
                assertEquals(fixedBefore + 3, fixedOps(s.engine), "READ_FIXED/WRITE_FIXED operations");
            }
        }
    }

    private static long fixedOps(IoEngine e) {
        return e instanceof IoUringEngine ? ((IoUringEngine) e).fixedBufferOps() : 0;
    }

    /**
     * Tens of thousands of random reads and writes at depth 128 against a reference copy: every
     * user_data completes exactly once, every read returns what the reference holds. Two
     * operations never overlap in flight, so the reference is unambiguous.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void randomOperationsAtDepth128MatchTheReference(EngineKind kind, Target target) throws IOException {
        final int depth = 128;
        final int block = 4096;
        final int maxBlocks = 4;
        final int span = 8 << 20;
        final int total = 20_000;
        try (Setup s = Setup.open(kind, target, depth); NativeBuffer buf = NativeBuffer.allocate(depth * maxBlocks * block)) {
            byte[] reference = new byte[span];
            boolean[] busy = new boolean[span / block];
            long[] opOffset = new long[depth];
            int[] opLength = new int[depth];
            boolean[] opWrite = new boolean[depth];
            int[] completions = new int[depth];
            Random rnd = new Random(9);
            int[] issued = {0};
            int[] done = {0};
            int[] freeSlots = new int[depth];
            int[] nFree = {depth};
            for (int i = 0; i < depth; i++) {
                freeSlots[i] = i;
            }
            Runnable fill = () -> {
                while (nFree[0] > 0 && issued[0] < total) {
                    int blocks = 1 + rnd.nextInt(maxBlocks);
                    int first = rnd.nextInt(span / block - blocks);
                    boolean clash = false;
                    for (int b = first; b < first + blocks; b++) {
                        clash |= busy[b];
                    }
                    if (clash) {
                        continue;
                    }
                    int slot = freeSlots[--nFree[0]];
                    long addr = buf.address() + (long) slot * maxBlocks * block;
                    long off = (long) first * block;
                    int len = blocks * block;
                    boolean isWrite = rnd.nextBoolean();
                    if (isWrite) {
                        byte[] data = random(len, rnd.nextLong());
                        put(buf, slot * maxBlocks * block, data);
                        System.arraycopy(data, 0, reference, (int) off, len);
                    }
                    Arrays.fill(busy, first, first + blocks, true);
                    opOffset[slot] = off;
                    opLength[slot] = len;
                    opWrite[slot] = isWrite;
                    long userData = ((long) issued[0] << 8) | slot;
                    boolean ok = isWrite ? s.engine.prepWrite(s.dev, off, addr, len, userData, 0)
                            : s.engine.prepRead(s.dev, off, addr, len, userData, 0);
                    assertTrue(ok, "engine refused operation " + issued[0] + " with " + s.engine.inFlight()
                            + " in flight at depth " + depth);
                    issued[0]++;
                }
                s.engine.submit();
            };
            long[] seenSeq = new long[total];
            fill.run();
            while (done[0] < total) {
                s.engine.reap(1, (userData, result) -> {
                    int slot = (int) (userData & 0xFF);
                    int seq = (int) (userData >>> 8);
                    if (seenSeq[seq]++ != 0) {
                        fail("operation " + seq + " completed twice");
                    }
                    assertEquals(opLength[slot], result, "operation " + seq + " result");
                    if (!opWrite[slot]) {
                        int at = slot * maxBlocks * block;
                        byte[] got = get(buf, at, opLength[slot]);
                        byte[] want = Arrays.copyOfRange(reference, (int) opOffset[slot],
                                (int) opOffset[slot] + opLength[slot]);
                        assertArrayEquals(want, got, "read " + seq + " at " + opOffset[slot]);
                    }
                    int first = (int) (opOffset[slot] / block);
                    Arrays.fill(busy, first, first + opLength[slot] / block, false);
                    completions[slot]++;
                    freeSlots[nFree[0]++] = slot;
                    done[0]++;
                });
                fill.run();
            }
            assertEquals(0, s.engine.inFlight());
            assertArrayEquals(Arrays.copyOf(reference, 1 << 20), backingBytes(s.backing, 0, 1 << 20),
                    "first MiB of the backing file against the reference");
        }
    }

    /** Two devices on one engine keep their data apart (registered-file indexes must not mix). */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void twoDevicesOnOneEngineStayApart(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(8192)) {
            Path other = s.backing.resolveSibling("other.img");
            Files.write(other, new byte[1 << 20]);
            try (BlockDevice d2 = s.engine.open(other, io.uraid.io.OpenOptions.DEFAULT)) {
                byte[] a = random(4096, 10);
                byte[] b = random(4096, 11);
                put(buf, 0, a);
                put(buf, 4096, b);
                assertEquals(4096, write(s.engine, s.dev, 0, buf.address(), 4096));
                assertEquals(4096, write(s.engine, d2, 0, buf.address() + 4096, 4096));
                assertArrayEquals(a, backingBytes(s.backing, 0, 4096));
                assertArrayEquals(b, backingBytes(other, 0, 4096));
            }
        }
    }
}
