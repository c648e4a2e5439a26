package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.io.NativeBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import org.junit.jupiter.api.Test;

class RequestWriterTest {

    /** Takes at most {@code perCall} bytes per write call and counts the calls. */
    static final class Sink implements GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int perCall;
        int calls;

        Sink(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls++;
            long budget = perCall;
            long n = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                while (srcs[i].hasRemaining() && budget > 0) {
                    bytes.write(srcs[i].get());
                    budget--;
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] header(int type, int flags, long cookie, long offset, int length) {
        return ByteBuffer.allocate(REQUEST_HEADER_SIZE).putInt(REQUEST_MAGIC).putShort((short) flags)
                .putShort((short) type).putLong(cookie).putLong(offset).putInt(length).array();
    }

    @Test
    void queuedRequestsGoOutInOrderInOneGatheringWrite() throws Exception {
        Sink sink = new Sink(Integer.MAX_VALUE);
        RequestWriter w = new RequestWriter(sink);
        try (NativeBuffer a = NativeBuffer.allocate(4096); NativeBuffer b = NativeBuffer.allocate(512)) {
            a.view().put(new byte[4096]).clear();
            for (int i = 0; i < 4096; i++) {
                a.view().put(i, (byte) i);
            }
            for (int i = 0; i < 512; i++) {
                b.view().put(i, (byte) (255 - i));
            }
            w.queueWrite(CMD_FLAG_FUA, 1, 8192, a.address(), 4096);
            w.queue(CMD_READ, 0, 2, 0, 65536);
            w.queueWrite(0, 3, 512, b.address(), 512);
            w.queue(CMD_FLUSH, 0, 4, 0, 0);
            assertEquals(4, w.queued());
            assertEquals(0, sink.calls, "nothing is written before the flush");
            w.flush();

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(header(CMD_WRITE, CMD_FLAG_FUA, 1, 8192, 4096));
            byte[] pa = new byte[4096];
            a.view().get(0, pa);
            expected.write(pa);
            expected.write(header(CMD_READ, 0, 2, 0, 65536));
            expected.write(header(CMD_WRITE, 0, 3, 512, 512));
            byte[] pb = new byte[512];
            b.view().get(0, pb);
            expected.write(pb);
            expected.write(header(CMD_FLUSH, 0, 4, 0, 0));
            assertArrayEquals(expected.toByteArray(), sink.bytes.toByteArray());
            assertEquals(1, sink.calls, "one system call for the whole burst");
            assertEquals(0, w.queued());
        }
    }

    @Test
    void aChannelTakingAFewBytesAtATimeGetsEveryByteOnceInOrder() throws Exception {
        Sink sink = new Sink(5);
        RequestWriter w = new RequestWriter(sink);
        try (NativeBuffer a = NativeBuffer.allocate(100)) {
            for (int i = 0; i < 100; i++) {
                a.view().put(i, (byte) (i * 7));
            }
            w.queue(CMD_READ, 0, 9, 4096, 4096);
            w.queueWrite(0, 10, 0, a.address(), 100);
            w.flush();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(header(CMD_READ, 0, 9, 4096, 4096));
            expected.write(header(CMD_WRITE, 0, 10, 0, 100));
            byte[] pa = new byte[100];
            a.view().get(0, pa);
            expected.write(pa);
            assertArrayEquals(expected.toByteArray(), sink.bytes.toByteArray());
        }
    }

    @Test
    void aFullBatchIsSentBeforeTheNextRequestIsQueued() throws Exception {
        Sink sink = new Sink(Integer.MAX_VALUE);
        RequestWriter w = new RequestWriter(sink);
        for (int i = 0; i < RequestWriter.BATCH + 3; i++) {
            w.queue(CMD_READ, 0, i, i * 4096L, 4096);
        }
        assertEquals(1, sink.calls, "the first BATCH went out when the next one was queued");
        assertEquals(RequestWriter.BATCH * REQUEST_HEADER_SIZE, sink.bytes.size());
        assertEquals(3, w.queued());
        w.flush();
        byte[] all = sink.bytes.toByteArray();
        for (int i = 0; i < RequestWriter.BATCH + 3; i++) {
            byte[] h = new byte[REQUEST_HEADER_SIZE];
            System.arraycopy(all, i * REQUEST_HEADER_SIZE, h, 0, h.length);
            assertArrayEquals(header(CMD_READ, 0, i, i * 4096L, 4096), h, "request " + i);
        }
    }
}
