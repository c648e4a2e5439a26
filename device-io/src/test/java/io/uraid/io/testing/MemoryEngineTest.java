package io.uraid.io.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryEngineTest {
    private static final Path DISK = Path.of("/mem/disk0");
    private static final long SIZE = 1 << 20;
    private MemoryEngine engine;
    private MemoryDisk disk;
    private BlockDevice dev;
    private NativeBuffer buf;
    private final Completions done = new Completions();

    @BeforeEach
    void setUp() throws IOException {
        engine = new MemoryEngine(8);
        disk = engine.createDisk(DISK, SIZE);
        dev = engine.open(DISK, OpenOptions.DEFAULT);
        buf = NativeBuffer.allocate(64 * 1024);
    }

    @AfterEach
    void tearDown() throws IOException {
        dev.close();
        engine.close();
        buf.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void fill(int at, byte[] data) {
        buf.view(at, data.length).put(data);
    }

    private byte[] bufBytes(int at, int n) {
        byte[] b = new byte[n];
        buf.view(at, n).get(b);
        return b;
    }

    @Test
    void writesAndReadsBackBytesCompletingOnlyOnReap() throws Exception {
        byte[] data = random(8192, 1);
        fill(0, data);
        assertTrue(engine.prepWrite(dev, 4096, buf.address(), 8192, 7, 0));
        engine.submit();
        assertTrue(done.results.isEmpty(), "nothing is delivered before reap");
        assertEquals(1, engine.inFlight());
        assertEquals(1, engine.reap(1, done));
        assertEquals(8192, done.result(7));
        assertArrayEquals(data, disk.bytes(4096, 8192));

        assertTrue(engine.prepRead(dev, 4096, buf.address() + 16384, 8192, 8, 0));
        engine.reap(1, done);
        assertEquals(8192, done.result(8));
        assertArrayEquals(data, bufBytes(16384, 8192));
    }

    @Test
    void refusesMisalignedOperationsBeforeSubmission() {
        assertThrows(IllegalArgumentException.class, () -> engine.prepWrite(dev, 100, buf.address(), 512, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> engine.prepRead(dev, 0, buf.address(), 100, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> engine.prepRead(dev, 0, buf.address() + 3, 512, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> engine.prepDiscard(dev, 0, 7, 1, 0));
        assertEquals(0, engine.inFlight());
        assertEquals(8, engine.available());
    }

    @Test
    void reportsBackPressureInsteadOfQueueingMore() {
        for (int i = 0; i < 8; i++) {
            assertTrue(engine.prepRead(dev, 0, buf.address(), 512, i, 0));
        }
        assertFalse(engine.prepRead(dev, 0, buf.address(), 512, 99, 0));
        engine.submit();
        assertEquals(0, engine.available(), "unreaped completions still hold their entries");
        assertEquals(8, engine.reap(0, done));
        assertEquals(8, engine.available());
        assertFalse(done.results.containsKey(99L));
    }

    @Test
    void failedLinkCancelsTheRestOfTheChain() {
        fill(0, random(1024, 2));
        assertTrue(engine.prepWrite(dev, 0, buf.address(), 512, 1, IoEngine.LINK));
        assertTrue(engine.prepWrite(dev, SIZE, buf.address(), 512, 2, IoEngine.LINK)); // past the end
        assertTrue(engine.prepWrite(dev, 8192, buf.address() + 512, 512, 3, 0));
        assertTrue(engine.prepWrite(dev, 16384, buf.address() + 512, 512, 4, 0)); // not in the chain
        engine.reap(4, done);
        assertEquals(512, done.result(1));
        assertEquals(-Errno.ENOSPC, done.result(2));
        assertEquals(-Errno.ECANCELED, done.result(3));
        assertEquals(512, done.result(4));
        assertArrayEquals(new byte[512], disk.bytes(8192, 512), "a cancelled write must not land");
        assertArrayEquals(bufBytes(512, 512), disk.bytes(16384, 512));
    }

    @Test
    void readAtTheEndIsShort() {
        disk.put(SIZE - 512, random(512, 3));
        assertTrue(engine.prepRead(dev, SIZE - 512, buf.address(), 4096, 1, 0));
        assertTrue(engine.prepRead(dev, SIZE, buf.address(), 4096, 2, 0));
        engine.reap(2, done);
        assertEquals(512, done.result(1));
        assertEquals(0, done.result(2));
        assertArrayEquals(random(512, 3), bufBytes(0, 512));
    }

    @Test
    void powerCutLosesOnlyWhatWasNotFlushed() throws IOException {
        byte[] a = random(4096, 4);
        byte[] b = random(4096, 5);
        byte[] c = random(4096, 6);
        fill(0, a);
        fill(4096, b);
        fill(8192, c);
        engine.prepWrite(dev, 0, buf.address(), 4096, 1, 0);
        engine.prepFsync(dev, true, 2, 0);
        engine.prepWrite(dev, 4096, buf.address() + 4096, 4096, 3, 0);
        engine.prepWrite(dev, 8192, buf.address() + 8192, 4096, 4, IoEngine.FUA);
        engine.reap(4, done);
        assertEquals(0, done.result(2));
        assertArrayEquals(b, disk.bytes(4096, 4096), "visible before the cut");
        assertEquals(4096, disk.unflushedBytes());

        engine.powerCut();
        dev.close();
        MemoryEngine after = new MemoryEngine(4);
        after.attach(DISK, disk);
        BlockDevice again = after.open(DISK, OpenOptions.DEFAULT);
        after.prepRead(again, 0, buf.address(), 12288, 9, 0);
        after.reap(1, done);
        assertEquals(12288, done.result(9));
        assertArrayEquals(a, bufBytes(0, 4096), "flushed write survives");
        assertArrayEquals(new byte[4096], bufBytes(4096, 4096), "unflushed write is lost");
        assertArrayEquals(c, bufBytes(8192, 4096), "FUA write survives");
        again.close();
    }

    @Test
    void discardZeroesOrIsUnsupported() {
        disk.put(0, random(8192, 7));
        engine.prepDiscard(dev, 0, 4096, 1, 0);
        engine.reap(1, done);
        assertEquals(0, done.result(1));
        assertArrayEquals(new byte[4096], disk.bytes(0, 4096));
        assertArrayEquals(java.util.Arrays.copyOfRange(random(8192, 7), 4096, 8192), disk.bytes(4096, 4096));
        disk.discardSupported(false);
        engine.prepDiscard(dev, 4096, 4096, 2, 0);
        engine.reap(1, done);
        assertEquals(-Errno.EOPNOTSUPP, done.result(2));
    }

    @Test
    void exclusiveOpenIsRefusedWhileClaimed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> engine.open(DISK, OpenOptions.DEFAULT));
        assertTrue(e.getMessage().contains("busy"), e.getMessage());
        engine.open(DISK, OpenOptions.READ_ONLY).close();
        dev.close();
        engine.open(DISK, OpenOptions.DEFAULT).close();
        assertThrows(IOException.class, () -> engine.open(Path.of("/mem/none"), OpenOptions.DEFAULT));
    }

    @Test
    void readOnlyDeviceRefusesWrites() throws IOException {
        BlockDevice ro = engine.open(DISK, OpenOptions.READ_ONLY);
        engine.prepWrite(ro, 0, buf.address(), 512, 1, 0);
        engine.reap(1, done);
        assertEquals(-Errno.EBADF, done.result(1));
        ro.close();
    }
}
