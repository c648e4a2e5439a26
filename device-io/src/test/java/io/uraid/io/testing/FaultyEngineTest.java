package io.uraid.io.testing;

import static io.uraid.io.testing.MemoryEngineTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.nativeio.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultyEngineTest {
    private static final Path A = Path.of("/mem/a");
    private static final Path B = Path.of("/mem/b");
    private MemoryEngine memory;
    private FaultyEngine engine;
    private MemoryDisk diskA;
    private MemoryDisk diskB;
    private BlockDevice a;
    private BlockDevice b;
    private NativeBuffer buf;
    private final Completions done = new Completions();

    @BeforeEach
    void setUp() throws IOException {
        memory = new MemoryEngine(16);
        diskA = memory.createDisk(A, 1 << 20);
        diskB = memory.createDisk(B, 1 << 20);
        engine = new FaultyEngine(memory, 16);
        a = engine.open(A, OpenOptions.DEFAULT);
        b = engine.open(B, OpenOptions.DEFAULT);
        buf = NativeBuffer.allocate(16384);
        buf.view(0, 16384).put(random(16384, 11));
    }

    @AfterEach
    void tearDown() throws IOException {
        a.close();
        b.close();
        engine.close();
        buf.close();
    }

    @Test
    void failsWritesInTheChosenRangeOnTheChosenDeviceOnly() {
        FaultRule rule = engine.add(FaultRule.on(A).writes().range(8192, 4096));
        engine.prepWrite(a, 8192, buf.address(), 4096, 1, 0);       // inside
        engine.prepWrite(a, 4096, buf.address(), 8192, 2, 0);       // overlaps
        engine.prepWrite(a, 0, buf.address(), 4096, 3, 0);          // outside
        engine.prepWrite(b, 8192, buf.address(), 4096, 4, 0);       // other device
        engine.prepRead(a, 8192, buf.address() + 8192, 4096, 5, 0); // a read
        engine.reap(5, done);
        assertEquals(-Errno.EIO, done.result(1));
        assertEquals(-Errno.EIO, done.result(2));
        assertEquals(4096, done.result(3));
        assertEquals(4096, done.result(4));
        assertEquals(4096, done.result(5));
        assertEquals(2, rule.injected());
        assertArrayEquals(new byte[8192], diskA.bytes(4096, 8192), "a failed write must not reach the disk");
        assertArrayEquals(diskB.bytes(8192, 4096), diskA.bytes(0, 4096));
    }

    @Test
    void failsAfterNOperations() {
        engine.add(FaultRule.on(B).reads().afterOps(2).errno(Errno.ENODEV));
        for (int i = 0; i < 4; i++) {
            engine.prepRead(b, 0, buf.address(), 512, i, 0);
        }
        engine.prepWrite(b, 0, buf.address(), 512, 10, 0);
        engine.reap(5, done);
        assertEquals(512, done.result(0));
        assertEquals(512, done.result(1));
        assertEquals(-Errno.ENODEV, done.result(2));
        assertEquals(-Errno.ENODEV, done.result(3));
        assertEquals(512, done.result(10), "writes are not covered by a reads rule");
    }

    @Test
    void injectedFailureCancelsTheRestOfItsChain() {
        engine.add(FaultRule.on(A).writes().range(4096, 512));
        engine.prepWrite(a, 0, buf.address(), 512, 1, IoEngine.LINK);
        engine.prepWrite(a, 4096, buf.address(), 512, 2, IoEngine.LINK);
        engine.prepWrite(a, 8192, buf.address(), 512, 3, IoEngine.LINK);
        engine.prepFsync(a, true, 4, 0);
        engine.prepWrite(a, 12288, buf.address(), 512, 5, 0);
        engine.reap(5, done);
        assertEquals(512, done.result(1));
        assertEquals(-Errno.EIO, done.result(2));
        assertEquals(-Errno.ECANCELED, done.result(3));
        assertEquals(-Errno.ECANCELED, done.result(4));
        assertEquals(512, done.result(5), "an operation after the chain runs normally");
        assertArrayEquals(new byte[512], diskA.bytes(8192, 512));
    }

    @Test
    void addsLatency() {
        engine.latencyNanos(30_000_000L);
        long t0 = System.nanoTime();
        engine.prepRead(a, 0, buf.address(), 512, 1, 0);
        assertEquals(0, engine.reap(0, done), "not delivered before its latency");
        assertEquals(1, engine.inFlight());
        assertEquals(1, engine.reap(1, done));
        assertTrue(System.nanoTime() - t0 >= 30_000_000L);
        assertEquals(512, done.result(1));
    }

    @Test
    void powerCutDropsUnflushedWritesAndFailsEverythingAfter() throws IOException {
        byte[] first = new byte[4096];
        buf.view(0, 4096).get(first);
        engine.prepWrite(a, 0, buf.address(), 4096, 1, 0);
        engine.prepFsync(a, false, 2, 0);
        engine.prepWrite(a, 4096, buf.address() + 4096, 4096, 3, 0);
        engine.reap(3, done);
        engine.prepWrite(a, 8192, buf.address(), 4096, 4, 0);
        engine.submit();
        engine.powerCut();
        engine.prepWrite(a, 12288, buf.address(), 4096, 5, 0);
        engine.reap(2, done);
        assertEquals(-Errno.EIO, done.result(4), "not acknowledged: the host died first");
        assertEquals(-Errno.EIO, done.result(5));
        assertArrayEquals(first, diskA.durableBytes(0, 4096));
        assertArrayEquals(first, diskA.bytes(0, 4096));
        assertArrayEquals(new byte[12288], diskA.bytes(4096, 12288), "unflushed and later writes are gone");
    }

    @Test
    void injectsFaultsOverARealEngineOnAFile() throws IOException {
        Path dir = TestDirs.create("faulty");
        Path file = dir.resolve("member");
        Files.write(file, new byte[1 << 16]);
        try (FaultyEngine real = new FaultyEngine(TestEngines.open(16), 16)) {
            real.add(FaultRule.on(file).writes().range(0, 4096));
            BlockDevice d = real.open(file, OpenOptions.DEFAULT);
            try {
                real.prepWrite(d, 0, buf.address(), 4096, 1, 0);
                real.prepWrite(d, 8192, buf.address(), 4096, 2, 0);
                real.reap(2, done);
            } finally {
                d.close();
            }
            assertEquals(-Errno.EIO, done.result(1));
            assertEquals(4096, done.result(2));
            byte[] onDisk = Files.readAllBytes(file);
            assertArrayEquals(new byte[4096], java.util.Arrays.copyOfRange(onDisk, 0, 4096));
            byte[] expect = new byte[4096];
            buf.view(0, 4096).get(expect);
            assertArrayEquals(expect, java.util.Arrays.copyOfRange(onDisk, 8192, 12288));
        } finally {
            TestDirs.delete(dir);
        }
    }
}
