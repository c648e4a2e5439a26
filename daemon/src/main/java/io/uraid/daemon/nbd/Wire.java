package io.uraid.daemon.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/** Blocking whole-buffer transfers on a channel. */
final class Wire {
    private Wire() {
    }

    /** Fills {@code b} from position to limit; EOF before that is an {@link EOFException}. */
    static void readFully(ByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("peer closed the connection");
            }
        }
    }

    static void writeFully(ByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads and throws away {@code count} bytes through {@code scratch}. */
    static void skip(ByteChannel ch, long count, ByteBuffer scratch) throws IOException {
        while (count > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), count));
            readFully(ch, scratch);
            count -= scratch.limit();
        }
    }
}
