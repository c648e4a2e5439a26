package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Replies as a server may send them (proto.md "Structured reply chunk message types"),
 * crafted byte by byte: the reader must put every byte where it belongs, zero the holes, and
 * refuse what breaks the protocol. Real servers (nbdkit, qemu-nbd) are in NbdEngineTest.
 */
class ReplyReaderTest {
    private static final int LEN = 16384;
    private static final long OFFSET = 1 << 20;

    /** One READ in flight at cookie 7: OFFSET, LEN, into a native buffer. */
    private static final class OneRead implements ReplySink {
        final NativeBuffer buf = NativeBuffer.allocate(LEN);
        int result = Integer.MIN_VALUE;
        boolean isRead = true;

        @Override
        public int request(long cookie) {
            return cookie == 7 && result == Integer.MIN_VALUE ? 0 : -1;
        }

        @Override
        public long offset(int r) {
            return OFFSET;
        }

        @Override
        public int length(int r) {
            return LEN;
        }

        @Override
        public long readAddress(int r) {
            return isRead ? buf.address() : 0;
        }

        @Override
        public void done(int r, int res) {
            result = res;
        }

        byte[] bytes() {
            byte[] b = new byte[LEN];
            buf.view().get(b);
            return b;
        }
    }

    private static ByteBuffer chunk(int flags, int type, long cookie, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(CHUNK_HEADER_SIZE + payload.length);
        b.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putInt(payload.length).put(payload);
        return b;
    }

    private static byte[] data(long offset, byte[] bytes) {
        return ByteBuffer.allocate(8 + bytes.length).putLong(offset).put(bytes).array();
    }

    private static byte[] hole(long offset, int size) {
        return ByteBuffer.allocate(12).putLong(offset).putInt(size).array();
    }

    private static byte[] error(int err, String message) {
        byte[] m = message.getBytes();
        return ByteBuffer.allocate(6 + m.length).putInt(err).putShort((short) m.length).put(m).array();
    }

    private static ReplyReader reader(OneRead sink, ByteBuffer... parts) {
        int n = Arrays.stream(parts).mapToInt(ByteBuffer::position).sum();
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) {
            all.put(p.flip());
        }
        return new ReplyReader(Channels.newChannel(new ByteArrayInputStream(all.array())), sink, 1);
    }

    @Test
    void dataAndHoleChunksInAnyOrderFillTheBufferAndDoneCompletesIt() throws IOException {
        OneRead sink = new OneRead();
        sink.buf.view().put(filled(LEN, (byte) 0x77)); // stale bytes the hole must clear
        byte[] tail = filled(4096, (byte) 0x33);
        byte[] head = filled(8192, (byte) 0x11);
        ReplyReader r = reader(sink,
                chunk(0, CHUNK_OFFSET_DATA, 7, data(OFFSET + 12288, tail)),
                chunk(0, CHUNK_OFFSET_HOLE, 7, hole(OFFSET + 8192, 4096)),
                chunk(CHUNK_FLAG_DONE, CHUNK_OFFSET_DATA, 7, data(OFFSET, head)));
        r.next();
        r.next();
        assertEquals(Integer.MIN_VALUE, sink.result, "not done before the DONE chunk");
        r.next();
        assertEquals(0, sink.result);
        byte[] want = new byte[LEN];
        System.arraycopy(head, 0, want, 0, 8192);
        System.arraycopy(tail, 0, want, 12288, 4096);
        assertArrayEquals(want, sink.bytes());
    }

    @Test
    void doneWithoutEveryByteIsAnErrorNotStaleMemory() throws IOException {
        OneRead sink = new OneRead();
        ReplyReader r = reader(sink,
                chunk(0, CHUNK_OFFSET_DATA, 7, data(OFFSET, filled(8192, (byte) 1))),
                chunk(CHUNK_FLAG_DONE, CHUNK_NONE, 7, new byte[0]));
        r.next();
        r.next();
        assertEquals(-Errno.EIO, sink.result);
    }

    @Test
    void anErrorChunkFailsTheReadWithTheServersErrno() throws IOException {
        OneRead sink = new OneRead();
        ReplyReader r = reader(sink,
                chunk(0, CHUNK_OFFSET_DATA, 7, data(OFFSET, filled(4096, (byte) 1))),
                chunk(0, CHUNK_ERROR, 7, error(NBD_ENOSPC, "no room")),
                chunk(CHUNK_FLAG_DONE, CHUNK_ERROR_OFFSET, 7,
                        ByteBuffer.allocate(6 + 8).putInt(NBD_EIO).putShort((short) 0).putLong(OFFSET).array()));
        r.next();
        r.next();
        r.next();
        assertEquals(-Errno.ENOSPC, sink.result, "the first error counts");
    }

    @Test
    void anUnknownErrorTypeIsAnErrorAndAnUnknownOtherTypeBreaksTheConnection() throws IOException {
        OneRead sink = new OneRead();
        reader(sink, chunk(CHUNK_FLAG_DONE, CHUNK_ERROR_BIT + 99, 7, error(0, ""))).next();
        assertEquals(-Errno.EIO, sink.result, "error 0 in an error chunk is still an error");
        OneRead other = new OneRead();
        IOException e = assertThrows(IOException.class,
                () -> reader(other, chunk(CHUNK_FLAG_DONE, 77, 7, new byte[0])).next());
        assertTrue(e.getMessage().contains("type 77"), e.getMessage());
    }

    @Test
    void chunksOutsideTheirReadOrForUnknownCookiesAreProtocolErrors() {
        OneRead sink = new OneRead();
        assertThrows(IOException.class, () -> reader(sink,
                chunk(CHUNK_FLAG_DONE, CHUNK_OFFSET_DATA, 7, data(OFFSET + LEN - 512, filled(1024, (byte) 1)))).next());
        assertThrows(IOException.class, () -> reader(new OneRead(),
                chunk(CHUNK_FLAG_DONE, CHUNK_OFFSET_HOLE, 7, hole(OFFSET - 512, 1024))).next());
        assertThrows(IOException.class, () -> reader(new OneRead(),
                chunk(CHUNK_FLAG_DONE, CHUNK_NONE, 8, new byte[0])).next());
        OneRead write = new OneRead();
        write.isRead = false;
        assertThrows(IOException.class, () -> reader(write,
                chunk(CHUNK_FLAG_DONE, CHUNK_OFFSET_DATA, 7, data(OFFSET, filled(512, (byte) 1)))).next(),
                "data for a request that is not a READ");
    }

    @Test
    void simpleRepliesCarryReadDataOnlyWithoutAnError() throws IOException {
        OneRead sink = new OneRead();
        byte[] payload = filled(LEN, (byte) 0x5a);
        ByteBuffer ok = ByteBuffer.allocate(SIMPLE_REPLY_SIZE + LEN);
        ok.putInt(SIMPLE_REPLY_MAGIC).putInt(0).putLong(7).put(payload);
        reader(sink, ok).next();
        assertEquals(0, sink.result);
        assertArrayEquals(payload, sink.bytes());
        OneRead failed = new OneRead();
        ByteBuffer err = ByteBuffer.allocate(SIMPLE_REPLY_SIZE);
        err.putInt(SIMPLE_REPLY_MAGIC).putInt(NBD_EIO).putLong(7);
        reader(failed, err).next();
        assertEquals(-Errno.EIO, failed.result);
        ByteBuffer bad = ByteBuffer.allocate(SIMPLE_REPLY_SIZE);
        bad.putInt(0x12345678).putInt(0).putLong(7);
        assertThrows(IOException.class, () -> reader(new OneRead(), bad).next());
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }
}
