package io.uraid.daemon.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.NativeBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read cache against a byte-array "array": whatever interleaving of writes, missed reads and
 * their fills happens, a hit returns exactly the array's current bytes; and without writes in
 * between, a filled range is then a hit.
 */
class ReadCacheTest {
    private static final int LINE = ReadCache.LINE_SIZE;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void free() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ReadCache cache(long bytes) {
        ReadCache c = new ReadCache(bytes);
        toClose.add(c);
        return c;
    }

    private NativeBuffer buffer(int bytes) {
        NativeBuffer b = NativeBuffer.allocate(bytes);
        toClose.add(b);
        return b;
    }

    private static void put(NativeBuffer b, byte[] data) {
        b.view().clear().put(data);
    }

    private static byte[] get(NativeBuffer b, int n) {
        byte[] out = new byte[n];
        b.view().clear().get(out);
        return out;
    }

    @Test
    void aFilledRangeIsAHitWithTheSameBytesAndAPartialLineIsNotStored() {
        ReadCache c = cache(64 * LINE);
        NativeBuffer b = buffer(4 * LINE);
        byte[] data = new byte[3 * LINE + 512];
        new Random(1).nextBytes(data);
        put(b, data);
        assertFalse(c.read(LINE, data.length, b.address()));
        c.fill(c.ticket(), LINE, data.length, b.address());
        NativeBuffer out = buffer(4 * LINE);
        assertTrue(c.read(LINE, 3 * LINE, out.address()), "the three whole lines are cached");
        assertArrayEquals(java.util.Arrays.copyOf(data, 3 * LINE), get(out, 3 * LINE));
        assertTrue(c.read(LINE + 1024, 1024, out.address()), "a sub-line read of a cached line hits");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1024, 2048), get(out, 1024));
        assertFalse(c.read(4 * LINE, 512, out.address()), "the partial last line was not stored");
        assertEquals(2, c.hits());
        assertEquals(2, c.misses());
    }

    @Test
    void aWriteBetweenTicketAndFillKeepsTheStaleDataOut() {
        ReadCache c = cache(64 * LINE);
        NativeBuffer b = buffer(2 * LINE);
        long ticket = c.ticket();
        c.invalidate(LINE + 512, 512); // a write to part of the second line, while the read was in flight
        c.fill(ticket, 0, 2 * LINE, b.address());
        assertFalse(c.read(0, LINE, b.address()), "the whole fill is refused, not just the written line");
        long later = c.ticket();
        c.invalidate(8 * LINE, LINE); // a write elsewhere does not stop a fill
        c.fill(later, 0, 2 * LINE, b.address());
        assertTrue(c.read(0, 2 * LINE, b.address()));
    }

    @Test
    void tooManyWritesSinceTheTicketMeansNoFill() {
        ReadCache c = cache(64 * LINE);
        NativeBuffer b = buffer(LINE);
        long ticket = c.ticket();
        for (int i = 0; i < 1025; i++) {
            c.invalidate(40L * LINE, LINE); // far away, but the record of older ones is gone
        }
        c.fill(ticket, 0, LINE, b.address());
        assertFalse(c.read(0, LINE, b.address()));
    }

    @Test
    void linesThatShareASlotEvictEachOther() {
        ReadCache c = cache(4 * LINE);
        NativeBuffer b = buffer(LINE);
        c.fill(c.ticket(), 0, LINE, b.address());
        assertTrue(c.read(0, LINE, b.address()));
        c.fill(c.ticket(), 4L * LINE, LINE, b.address()); // block 4 maps onto block 0's line
        assertFalse(c.read(0, LINE, b.address()));
        assertTrue(c.read(4L * LINE, LINE, b.address()));
    }

    @Test
    void clearAndCloseDropEverythingAndStopFillsInFlight() {
        ReadCache c = cache(8 * LINE);
        NativeBuffer b = buffer(LINE);
        c.fill(c.ticket(), 0, LINE, b.address());
        long ticket = c.ticket();
        c.clear();
        assertFalse(c.read(0, LINE, b.address()));
        c.fill(ticket, 0, LINE, b.address());
        assertFalse(c.read(0, LINE, b.address()), "a read in flight across a clear does not fill");
        c.fill(c.ticket(), 0, LINE, b.address());
        c.close();
        assertFalse(c.read(0, LINE, b.address()));
        c.fill(c.ticket(), 0, LINE, b.address());
        assertFalse(c.read(0, LINE, b.address()));
    }

    @Test
    void aHugeInvalidationEmptiesTheCache() {
        ReadCache c = cache(8 * LINE);
        NativeBuffer b = buffer(LINE);
        c.fill(c.ticket(), 3L * LINE, LINE, b.address());
        c.invalidate(1L << 40, 1L << 40); // far larger than the cache: cleared, not walked block by block
        assertFalse(c.read(3L * LINE, LINE, b.address()));
    }

    @Test
    void sizesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ReadCache(LINE - 1));
        assertEquals(3L * LINE, cache(3L * LINE + 100).capacity());
    }

    /**
     * Random interleavings of reads in flight (ticket, then data as it was at some moment while
     * in flight, then fill), writes (invalidate at submit, change the array, invalidate at
     * completion) and hits, checked against the array's bytes after every step.
     */
    @Test
    void randomInterleavingsNeverServeStaleBytes() {
        int blocks = 48;
        byte[] array = new byte[blocks * LINE];
        Random rnd = new Random(42);
        rnd.nextBytes(array);
        ReadCache c = cache(40 * LINE); // smaller than the array: some lines collide
        NativeBuffer scratch = buffer(blocks * LINE);
        record Pending(long ticket, long offset, int length, byte[] seen) { }
        List<Pending> inFlight = new ArrayList<>();
        record Write(long offset, int length, byte[] data) { }
        List<Write> writesInFlight = new ArrayList<>();
        int hits = 0;
        for (int step = 0; step < 20_000; step++) {
            // half the requests are whole lines (what file systems send), half any sector range
            boolean wholeLines = rnd.nextBoolean();
            int sectors = wholeLines ? 8 * (1 + rnd.nextInt(3)) : 1 + rnd.nextInt(24);
            long offset = wholeLines ? (long) LINE * rnd.nextInt(blocks - sectors / 8 + 1)
                    : 512L * rnd.nextInt(blocks * 8 - sectors);
            int length = 512 * sectors;
            int dice = rnd.nextInt(20); // mostly reads, as a cache sees: 4 misses, 5 fills, 2+2 writes, 7 hits
            int kind = dice < 4 ? 0 : dice < 9 ? 1 : dice < 11 ? 2 : dice < 13 ? 3 : 4;
            switch (kind) {
                case 0: // a read misses and goes out; it sees the bytes of this moment
                    inFlight.add(new Pending(c.ticket(), offset, length, slice(array, offset, length)));
                    break;
                case 1: // a read in flight completes, with the bytes of its start or of now
                    if (!inFlight.isEmpty()) {
                        Pending p = inFlight.remove(rnd.nextInt(inFlight.size()));
                        put(scratch, rnd.nextBoolean() ? p.seen : slice(array, p.offset, p.length));
                        c.fill(p.ticket, p.offset, p.length, scratch.address());
                    }
                    break;
                case 2: { // a write is submitted; it lands on the array now or just before it completes
                    c.invalidate(offset, length);
                    byte[] fresh = new byte[length];
                    rnd.nextBytes(fresh);
                    boolean landsNow = rnd.nextBoolean();
                    if (landsNow) {
                        System.arraycopy(fresh, 0, array, (int) offset, length);
                    }
                    writesInFlight.add(new Write(offset, length, landsNow ? null : fresh));
                    break;
                }
                case 3: // a write completes: invalidated again before its reply
                    if (!writesInFlight.isEmpty()) {
                        Write w = writesInFlight.remove(rnd.nextInt(writesInFlight.size()));
                        if (w.data != null) {
                            System.arraycopy(w.data, 0, array, (int) w.offset, w.data.length);
                        }
                        c.invalidate(w.offset, w.length);
                    }
                    break;
                default: // a read is served from the cache when it can be
                    if (c.read(offset, length, scratch.address())) {
                        hits++;
                        assertArrayEquals(slice(array, offset, length), get(scratch, length),
                                "stale bytes served at step " + step + ", offset " + offset);
                    }
                    break;
            }
        }
        assertTrue(hits > 1000, "the cache should answer a good share of the 7000 reads, got " + hits);
    }

    private static byte[] slice(byte[] a, long offset, int length) {
        return java.util.Arrays.copyOfRange(a, (int) offset, (int) offset + length);
    }
}
