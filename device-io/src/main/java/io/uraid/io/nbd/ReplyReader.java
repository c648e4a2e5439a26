package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.Errno;
import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads NBD replies on one connection: simple replies, and structured ones (OFFSET_DATA,
 * OFFSET_HOLE, NONE and the error chunks) when they were negotiated. Replies are read through a
 * {@link BufferedInput} (one system call for every reply that has arrived); READ data as large as
 * its buffer goes straight into the requester's native memory; a hole is zeroed there. A structured READ succeeds only
 * when its chunks covered every byte asked for. Anything that breaks the protocol (unknown
 * cookie, chunk outside its request, unknown non-error chunk type) is an {@link IOException}:
 * the caller drops the connection. Allocation-free after construction; one reader thread.
 */
public final class ReplyReader {
    private final ReadableByteChannel ch;
    private final ReplySink sink;
    private final ByteBuffer header = ByteBuffer.allocateDirect(CHUNK_HEADER_SIZE);
    private final ByteBuffer word = ByteBuffer.allocateDirect(12);
    private final ByteBuffer data = ByteBuffer.allocateDirect(1).duplicate();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(4096);
    /** Bytes of each structured READ covered so far, and the first error its chunks reported. */
    private final long[] covered;
    private final int[] error;
    /** Structured chunks of each kind read so far (diagnostics: which paths a server exercises). */
    private long dataChunks;
    private long holeChunks;
    private long errorChunks;

    /** @param capacity bound of the request indexes the sink hands out */
    public ReplyReader(ReadableByteChannel ch, ReplySink sink, int capacity) {
        this.ch = new BufferedInput(ch);
        this.sink = sink;
        this.covered = new long[capacity];
        this.error = new int[capacity];
    }

    /** Reads and handles one reply or chunk (blocking); a request answered in full goes to the sink. */
    public void next() throws IOException {
        header.clear().limit(4);
        Wire.readFully(ch, header);
        int magic = header.getInt(0);
        if (magic == SIMPLE_REPLY_MAGIC) {
            simple();
        } else if (magic == STRUCTURED_REPLY_MAGIC) {
            chunk();
        } else {
            throw new IOException("bad reply magic 0x" + Integer.toHexString(magic));
        }
    }

    private int lookup(long cookie) throws IOException {
        int r = sink.request(cookie);
        if (r < 0) {
            throw new IOException("reply for cookie " + cookie + ", which is not in flight");
        }
        return r;
    }

    private void simple() throws IOException {
        header.limit(SIMPLE_REPLY_SIZE);
        Wire.readFully(ch, header);
        int err = header.getInt(4);
        int r = lookup(header.getLong(8));
        long address = sink.readAddress(r);
        if (err == 0 && address != 0) {
            readInto(address, sink.length(r));
        }
        finish(r, fromNbdError(err));
    }

    private void chunk() throws IOException {
        header.limit(CHUNK_HEADER_SIZE);
        Wire.readFully(ch, header);
        int flags = header.getShort(4) & 0xffff;
        int type = header.getShort(6) & 0xffff;
        int r = lookup(header.getLong(8));
        long length = Integer.toUnsignedLong(header.getInt(16));
        switch (type) {
            case CHUNK_NONE:
                if (length != 0 || (flags & CHUNK_FLAG_DONE) == 0) {
                    throw new IOException("NONE chunk with data or without DONE");
                }
                break;
            case CHUNK_OFFSET_DATA:
                offsetData(r, length);
                break;
            case CHUNK_OFFSET_HOLE:
                offsetHole(r, length);
                break;
            default:
                if ((type & CHUNK_ERROR_BIT) == 0) {
                    throw new IOException("unknown structured reply chunk type " + type);
                }
                errorChunk(r, length);
        }
        if ((flags & CHUNK_FLAG_DONE) != 0) {
            int result = error[r];
            if (result == 0 && sink.readAddress(r) != 0 && covered[r] != sink.length(r)) {
                result = -Errno.EIO; // the server said DONE without sending every byte: never hand out stale memory
            }
            finish(r, result);
        }
    }

    private void finish(int r, int result) {
        covered[r] = 0;
        error[r] = 0;
        sink.done(r, result);
    }

    private long chunkOffset(int r, long at, long n) throws IOException {
        long start = sink.offset(r);
        if (sink.readAddress(r) == 0 || at < start || n < 0 || at + n > start + sink.length(r)) {
            throw new IOException("data chunk [" + at + ", +" + n + ") outside its READ [" + start + ", +"
                    + sink.length(r) + ")");
        }
        return at - start;
    }

    private void offsetData(int r, long length) throws IOException {
        if (length < 8) {
            throw new IOException("OFFSET_DATA chunk too short");
        }
        word.clear().limit(8);
        Wire.readFully(ch, word);
        long n = length - 8;
        long into = chunkOffset(r, word.getLong(0), n);
        readInto(sink.readAddress(r) + into, (int) n);
        covered[r] += n;
        dataChunks++;
    }

    private void offsetHole(int r, long length) throws IOException {
        if (length != 12) {
            throw new IOException("OFFSET_HOLE chunk of length " + length);
        }
        word.clear().limit(12);
        Wire.readFully(ch, word);
        long n = Integer.toUnsignedLong(word.getInt(8));
        long into = chunkOffset(r, word.getLong(0), n);
        UnsafeAccess.setMemory(sink.readAddress(r) + into, n, (byte) 0);
        covered[r] += n;
        holeChunks++;
    }

    private void errorChunk(int r, long length) throws IOException {
        if (length < 6) {
            throw new IOException("error chunk too short");
        }
        word.clear().limit(6);
        Wire.readFully(ch, word);
        int err = word.getInt(0);
        Wire.skip(ch, length - 6, scratch); // the message (and ERROR_OFFSET's offset): not needed
        if (error[r] == 0) {
            error[r] = err == 0 ? -Errno.EIO : fromNbdError(err);
        }
        errorChunks++;
    }

    /** OFFSET_DATA chunks read so far. */
    public long dataChunks() {
        return dataChunks;
    }

    /** OFFSET_HOLE chunks read so far. */
    public long holeChunks() {
        return holeChunks;
    }

    /** Error chunks read so far. */
    public long errorChunks() {
        return errorChunks;
    }

    private void readInto(long address, int length) throws IOException {
        UnsafeAccess.retarget(data, address, length);
        Wire.readFully(ch, data);
    }
}
