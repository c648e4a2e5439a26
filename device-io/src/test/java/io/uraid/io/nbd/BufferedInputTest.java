package io.uraid.io.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferedInputTest {

    /** A stream that hands out at most {@code perCall} bytes per read and counts the reads. */
    static final class CountingChannel implements ReadableByteChannel {
        final byte[] data;
        final int perCall;
        int pos;
        int calls;
        int largestDirect;

        CountingChannel(byte[] data, int perCall) {
            this.data = data;
            this.perCall = perCall;
        }

        @Override
        public int read(ByteBuffer dst) {
            calls++;
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(perCall, Math.min(dst.remaining(), data.length - pos));
            dst.put(data, pos, n);
            pos += n;
            largestDirect = Math.max(largestDirect, dst.capacity());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void manySmallHeadersThatHaveArrivedTogetherTakeOneSystemCall() throws IOException {
        byte[] wire = random(100 * 16, 1); // a hundred 16-byte simple replies, all on the socket already
        CountingChannel ch = new CountingChannel(wire, Integer.MAX_VALUE);
        BufferedInput in = new BufferedInput(ch, 4096);
        ByteBuffer header = ByteBuffer.allocateDirect(16);
        byte[] got = new byte[wire.length];
        for (int i = 0; i < 100; i++) {
            header.clear().limit(4);
            Wire.readFully(in, header); // the magic first, then the rest, as ReplyReader reads them
            header.limit(16);
            Wire.readFully(in, header);
            header.flip().get(got, i * 16, 16);
        }
        assertArrayEquals(wire, got);
        assertEquals(1, ch.calls, "one read of the channel for every header that had arrived");
    }

    @Test
    void aPayloadAsLargeAsTheBufferIsReadStraightIntoTheCallersMemoryAfterTheBufferedBytes() throws IOException {
        byte[] wire = random(28 + 64 * 1024, 2); // a header, then a 64 KiB payload
        CountingChannel ch = new CountingChannel(wire, 1000); // the socket delivers 1000 bytes at a time
        BufferedInput in = new BufferedInput(ch, 4096);
        ByteBuffer header = ByteBuffer.allocateDirect(28);
        Wire.readFully(in, header);
        ByteBuffer payload = ByteBuffer.allocateDirect(64 * 1024);
        int before = ch.calls;
        Wire.readFully(in, payload);
        byte[] got = new byte[wire.length];
        header.flip().get(got, 0, 28);
        payload.flip().get(got, 28, payload.remaining());
        assertArrayEquals(wire, got);
        assertEquals(64 * 1024, ch.largestDirect, "the channel wrote into the payload's own buffer");
        // 972 bytes came from the buffer (the rest of the first 1000-byte read), the remaining
        // 64,564 straight from the channel, 1000 at a time: no extra call for a copy through the buffer.
        assertEquals((64 * 1024 - 972 + 999) / 1000, ch.calls - before);
    }

    @Test
    void smallReadsInterleavedWithLargeOnesKeepTheStreamInOrder() throws IOException {
        byte[] wire = random(300_000, 3);
        CountingChannel ch = new CountingChannel(wire, 7_777);
        BufferedInput in = new BufferedInput(ch, 8192);
        Random sizes = new Random(4);
        ByteBuffer got = ByteBuffer.allocate(wire.length);
        while (got.hasRemaining()) {
            int n = Math.min(got.remaining(), sizes.nextBoolean() ? 1 + sizes.nextInt(40) : 8192 + sizes.nextInt(30_000));
            ByteBuffer part = sizes.nextBoolean() ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
            Wire.readFully(in, part);
            got.put(part.flip());
        }
        assertArrayEquals(wire, got.array());
    }

    @Test
    void theEndOfTheStreamComesAfterEveryBufferedByte() throws IOException {
        byte[] wire = random(10, 5);
        BufferedInput in = new BufferedInput(new CountingChannel(wire, Integer.MAX_VALUE), 4096);
        ByteBuffer first = ByteBuffer.allocate(6);
        Wire.readFully(in, first);
        ByteBuffer rest = ByteBuffer.allocate(4);
        assertEquals(4, in.read(rest));
        assertEquals(-1, in.read(ByteBuffer.allocate(1)));
        assertThrows(EOFException.class, () -> Wire.readFully(in, ByteBuffer.allocate(1)));
    }
}
