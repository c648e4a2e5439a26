package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.CMD_READ;
import static io.uraid.io.nbd.NbdProtocol.CMD_TRIM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.cache.ReadCache;
import io.uraid.daemon.testing.TestArrays;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An export with a read cache over a real RAID1 on member files: while other connections keep
 * reading (and so filling the cache) the ranges one connection rewrites, every read issued after
 * a write's reply returns that write's bytes, on any connection, and the array's own bytes (read
 * around the cache) match what the clients were told.
 */
class NbdReadCacheTest {
    private static final int RANGES = 8;
    private static final int RANGE = 64 << 10;

    private TestArrays files;
    private OpenArray array;
    private NbdServer server;
    private ReadCache cache;
    private Endpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        files = new TestArrays("nbdcache", 2, 8L << 20);
        files.create("r1", "raid1");
        array = files.assemble();
        server = new NbdServer(64L << 20);
        endpoint = Endpoint.unix(files.dir.resolve("nbd.sock"));
        server.listen(endpoint);
        cache = new ReadCache(4L << 20);
        server.addExport(new NbdExport("r1", array.array(), false, cache));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (cache != null) {
            cache.close();
        }
        if (array != null) {
            array.close();
        }
        if (files != null) {
            files.close();
        }
    }

    @Test
    void readsAfterAWriteReplySeeItWhileOtherClientsKeepFillingTheCache() throws Exception {
        byte[][] latest = new byte[RANGES][RANGE];
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            long seed = t;
            readers[t] = new Thread(() -> {
                Random rnd = new Random(seed);
                try (RawClient c = new RawClient(endpoint).go("r1")) {
                    long cookie = 0;
                    while (writing.get()) {
                        int r = rnd.nextInt(RANGES);
                        c.request(0, CMD_READ, cookie, (long) r * RANGE, RANGE);
                        assertEquals(0, c.reply()[0]);
                        c.readData(RANGE);
                        cookie++;
                    }
                } catch (Throwable e) {
                    readerFailure.set(e);
                }
            }, "cache-reader-" + t);
            readers[t].start();
        }
        Random rnd = new Random(99);
        try (RawClient w = new RawClient(endpoint).go("r1");
             RawClient check = new RawClient(endpoint).go("r1")) {
            for (int i = 0; i < 1500; i++) {
                int r = rnd.nextInt(RANGES);
                long offset = (long) r * RANGE;
                if (i % 10 == 9) { // a discard: the range must read back as zeroes
                    w.request(0, CMD_TRIM, i, offset, RANGE);
                    Arrays.fill(latest[r], (byte) 0);
                } else {
                    rnd.nextBytes(latest[r]);
                    w.write(offset, latest[r], i);
                }
                assertEquals(0, w.reply()[0], "write " + i);
                RawClient reader = i % 2 == 0 ? w : check;
                reader.request(0, CMD_READ, i, offset, RANGE);
                assertEquals(0, reader.reply()[0]);
                assertArrayEquals(latest[r], reader.readData(RANGE), "stale data after write " + i + " to range " + r);
            }
        } finally {
            writing.set(false);
            for (Thread t : readers) {
                t.join();
            }
        }
        if (readerFailure.get() != null) {
            throw new AssertionError("a reading client failed", readerFailure.get());
        }
        assertTrue(cache.hits() > 100, "the readers should have been answered from the cache, hits " + cache.hits());
        assertArrayIsWhatClientsWereTold(latest);
    }

    /** Reads the array itself, around the export and its cache. */
    private void assertArrayIsWhatClientsWereTold(byte[][] latest) throws Exception {
        var target = array.array();
        try (var buf = io.uraid.io.NativeBuffer.allocate(RANGE)) {
            for (int r = 0; r < RANGES; r++) {
                var done = new java.util.concurrent.CompletableFuture<Integer>();
                target.read((long) r * RANGE, RANGE, buf.address(), (tag, result) -> done.complete(result), 0);
                assertEquals(0, done.get());
                byte[] got = new byte[RANGE];
                buf.view().clear().get(got);
                assertArrayEquals(latest[r], got, "array bytes of range " + r);
            }
        }
    }
}
