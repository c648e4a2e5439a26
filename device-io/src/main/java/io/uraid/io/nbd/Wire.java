package io.uraid.io.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Blocking whole-buffer transfers on a channel (a socket, or TLS over one). */
public final class Wire {
    private Wire() {
    }

    /** Fills {@code b} from position to limit; EOF before that is an {@link EOFException}. */
    public static void readFully(ReadableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("peer closed the connection");
            }
        }
    }

    public static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Writes the first {@code count} buffers of {@code bufs} whole, in order, with as few
     * gathering writes as the channel allows (a batch of NBD messages in one system call).
     */
    public static void writeFully(GatheringByteChannel ch, ByteBuffer[] bufs, int count) throws IOException {
        int first = 0;
        while (first < count) {
            ch.write(bufs, first, count - first);
            while (first < count && !bufs[first].hasRemaining()) {
                first++;
            }
        }
    }

    /** Reads and throws away {@code count} bytes through {@code scratch}. */
    public static void skip(ReadableByteChannel ch, long count, ByteBuffer scratch) throws IOException {
        while (count > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), count));
            readFully(ch, scratch);
            count -= scratch.limit();
        }
    }

    /** A new heap buffer of exactly {@code n} bytes read from {@code ch}, flipped (handshakes only). */
    public static ByteBuffer read(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        readFully(ch, b);
        return b.flip();
    }
}
