package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Sends NBD requests on one connection: the 28-byte header and, for a WRITE, the payload
 * straight from the caller's native memory, in one gathering write. Its buffers are allocated
 * once; sending allocates nothing. Not thread-safe: one sender at a time.
 */
public final class RequestWriter {
    private final GatheringByteChannel ch;
    private final ByteBuffer header = ByteBuffer.allocateDirect(REQUEST_HEADER_SIZE);
    private final ByteBuffer payload = ByteBuffer.allocateDirect(1).duplicate();
    private final ByteBuffer[] both = {header, payload};

    public RequestWriter(GatheringByteChannel ch) {
        this.ch = ch;
    }

    /** Sends a request without payload (READ, FLUSH, WRITE_ZEROES, TRIM, DISC). */
    public void send(int type, int flags, long cookie, long offset, int length) throws IOException {
        fill(type, flags, cookie, offset, length);
        Wire.writeFully(ch, header);
    }

    /** Sends a WRITE of {@code length} bytes from native memory at {@code address}. */
    public void sendWrite(int flags, long cookie, long offset, long address, int length) throws IOException {
        fill(CMD_WRITE, flags, cookie, offset, length);
        UnsafeAccess.retarget(payload, address, length);
        while (payload.hasRemaining()) {
            ch.write(both, header.hasRemaining() ? 0 : 1, header.hasRemaining() ? 2 : 1);
        }
    }

    private void fill(int type, int flags, long cookie, long offset, int length) {
        header.clear();
        header.putInt(REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie).putLong(offset)
                .putInt(length).flip();
    }
}
