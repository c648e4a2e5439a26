package io.uraid.io.nbd;

import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The read side of an NBD connection, buffered: one system call takes every reply (or request)
 * header the peer has sent so far, instead of one or two calls per header. NBD messages are
 * small fixed headers, often followed by a payload; at a few thousand 4 KiB requests per second
 * a call per header is most of the connection thread's work. Large reads (a payload at least as
 * big as the buffer) go straight from the channel into the caller's memory once the buffered
 * bytes are used up, so bulk data is not copied twice. One reader thread; allocation-free after
 * construction. Closing is the underlying channel's business.
 */
public final class BufferedInput implements ReadableByteChannel {
    /** Enough for a few hundred headers and small payloads per system call. */
    public static final int DEFAULT_CAPACITY = 64 * 1024;

    private final ReadableByteChannel ch;
    /** Bytes read from the channel and not yet handed out lie between position and limit. */
    private final ByteBuffer buf;

    public BufferedInput(ReadableByteChannel ch) {
        this(ch, DEFAULT_CAPACITY);
    }

    public BufferedInput(ReadableByteChannel ch, int capacity) {
        this.ch = ch;
        this.buf = ByteBuffer.allocateDirect(capacity);
        buf.limit(0);
    }

    /**
     * Reads at least one byte into {@code dst} unless it has no room (blocking as the channel
     * does), from what is buffered first.
     *
     * @return the bytes read, or -1 at the end of the stream with nothing buffered
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (!buf.hasRemaining()) {
            if (dst.remaining() >= buf.capacity()) {
                return ch.read(dst); // bulk data: no copy through the buffer
            }
            buf.clear();
            int n;
            try {
                n = ch.read(buf);
            } finally {
                buf.flip();
            }
            if (n < 0) {
                return -1;
            }
        }
        int n = Math.min(buf.remaining(), dst.remaining());
        copy(buf, dst, n);
        return n;
    }

    /** Bytes already read from the channel and not yet handed out. */
    public int buffered() {
        return buf.remaining();
    }

    private static void copy(ByteBuffer from, ByteBuffer to, int n) {
        if (to.isDirect()) {
            UnsafeAccess.copyMemory(UnsafeAccess.addressOf(from) + from.position(),
                    UnsafeAccess.addressOf(to) + to.position(), n);
            from.position(from.position() + n);
            to.position(to.position() + n);
        } else {
            int limit = from.limit();
            from.limit(from.position() + n);
            to.put(from);
            from.limit(limit);
        }
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
