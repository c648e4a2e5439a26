package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Sends NBD requests on one connection: each 28-byte header and, for a WRITE, the payload
 * straight from the caller's native memory. Requests can be {@linkplain #queue queued} and go
 * out together in one gathering write ({@link #flush}): a sender that finds several requests
 * waiting pays one system call for all of them, not one each. Its buffers are allocated once;
 * sending allocates nothing. Not thread-safe: one sender at a time.
 */
public final class RequestWriter {
    /** Requests one {@link #flush} carries at most. */
    public static final int BATCH = 64;

    private final GatheringByteChannel ch;
    private final ByteBuffer[] headers = new ByteBuffer[BATCH];
    private final ByteBuffer[] payloads = new ByteBuffer[BATCH];
    /** The batch's buffers in wire order: a header, then its payload if it has one. */
    private final ByteBuffer[] wire = new ByteBuffer[2 * BATCH];
    private int queued;
    private int buffers;

    public RequestWriter(GatheringByteChannel ch) {
        this.ch = ch;
        ByteBuffer all = ByteBuffer.allocateDirect(BATCH * REQUEST_HEADER_SIZE);
        for (int i = 0; i < BATCH; i++) {
            headers[i] = all.position(i * REQUEST_HEADER_SIZE).limit((i + 1) * REQUEST_HEADER_SIZE).slice();
            all.clear();
            payloads[i] = ByteBuffer.allocateDirect(1).duplicate();
        }
    }

    /** Sends a request without payload (READ, FLUSH, WRITE_ZEROES, TRIM, DISC) now, after anything queued. */
    public void send(int type, int flags, long cookie, long offset, int length) throws IOException {
        queue(type, flags, cookie, offset, length);
        flush();
    }

    /** Sends a WRITE of {@code length} bytes from native memory at {@code address} now, after anything queued. */
    public void sendWrite(int flags, long cookie, long offset, long address, int length) throws IOException {
        queueWrite(flags, cookie, offset, address, length);
        flush();
    }

    /**
     * Queues a request without payload; it goes out with the next {@link #flush} (which comes
     * first by itself when the batch is full).
     */
    public void queue(int type, int flags, long cookie, long offset, int length) throws IOException {
        ByteBuffer header = fill(type, flags, cookie, offset, length); // may flush a full batch first
        wire[buffers++] = header;
        queued++;
    }

    /**
     * Queues a WRITE whose payload is {@code length} bytes at {@code address}: the memory must
     * stay as it is until the {@link #flush} that sends it has returned.
     */
    public void queueWrite(int flags, long cookie, long offset, long address, int length) throws IOException {
        ByteBuffer header = fill(CMD_WRITE, flags, cookie, offset, length);
        ByteBuffer payload = payloads[queued];
        UnsafeAccess.retarget(payload, address, length);
        wire[buffers++] = header;
        wire[buffers++] = payload;
        queued++;
    }

    /** Requests queued and not yet sent. */
    public int queued() {
        return queued;
    }

    /** Writes every queued request, in the order queued, blocking until the last byte is written. */
    public void flush() throws IOException {
        try {
            Wire.writeFully(ch, wire, buffers);
        } finally {
            queued = 0;
            buffers = 0; // after a failure the connection is dropped: nothing queued is sent twice
        }
    }

    private ByteBuffer fill(int type, int flags, long cookie, long offset, int length) throws IOException {
        if (queued == BATCH) {
            flush();
        }
        ByteBuffer header = headers[queued];
        header.clear();
        header.putInt(REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie).putLong(offset)
                .putInt(length).flip();
        return header;
    }
}
