package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.CMD_READ;
import static io.uraid.io.nbd.NbdProtocol.SIMPLE_REPLY_MAGIC;
import static io.uraid.io.nbd.NbdProtocol.SIMPLE_REPLY_SIZE;
import static io.uraid.io.nbd.NbdProtocol.toNbdError;

import io.uraid.io.nbd.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Simple replies of several completed requests sent with one gathering write: each slot's
 * 16-byte header (a preallocated slice) followed, for a successful READ, by its payload buffer.
 * Under load many replies leave in one system call instead of one each.
 */
final class ReplyBatch {
    private final ByteBuffer[] headers;
    private final ByteBuffer[] gather;
    private int count;

    ReplyBatch(int slots) {
        ByteBuffer all = ByteBuffer.allocateDirect(slots * SIMPLE_REPLY_SIZE);
        headers = new ByteBuffer[slots];
        for (int i = 0; i < slots; i++) {
            headers[i] = all.slice(i * SIMPLE_REPLY_SIZE, SIMPLE_REPLY_SIZE);
        }
        gather = new ByteBuffer[2 * slots];
    }

    void add(Slot s) {
        ByteBuffer h = headers[s.index];
        h.clear();
        h.putInt(SIMPLE_REPLY_MAGIC).putInt(toNbdError(s.result)).putLong(s.cookie).flip();
        gather[count++] = h;
        if (s.type == CMD_READ && s.result == 0 && s.length > 0) {
            gather[count++] = s.buffer.window((int) s.length);
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Forgets what was added (the peer is gone). */
    void discard() {
        for (int i = 0; i < count; i++) {
            gather[i] = null;
        }
        count = 0;
    }

    /** Writes everything added since the last send; the batch is empty afterwards, even on failure. */
    void send(GatheringByteChannel ch) throws IOException {
        try {
            Wire.writeFully(ch, gather, count);
        } finally {
            discard();
        }
    }
}
