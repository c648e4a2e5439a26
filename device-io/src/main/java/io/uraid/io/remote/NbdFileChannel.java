package io.uraid.io.remote;

import static io.uraid.io.nbd.NbdProtocol.CMD_DISC;
import static io.uraid.io.nbd.NbdProtocol.CMD_READ;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nbd.ClientHandshake;
import io.uraid.io.nbd.NbdUri;
import io.uraid.io.nbd.ReplyReader;
import io.uraid.io.nbd.ReplySink;
import io.uraid.io.nbd.RequestWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A remote export read like a file: one connection, one request at a time, reads rounded out
 * to the server's block size. For what reads members outside the request path with plain
 * channels (examine, the superblock scan of assembly and the config); never for array I/O.
 * Read-only.
 */
final class NbdFileChannel extends FileChannel implements ReplySink {
    private static final int MAX_REQUEST = 1 << 20;

    private final ClientHandshake.Connected conn;
    private final RequestWriter writer;
    private final ReplyReader reader;
    private final NativeBuffer buffer;
    private final int block;
    private long position;
    private long requestOffset;
    private int requestLength;
    private int result = Integer.MIN_VALUE;

    private NbdFileChannel(ClientHandshake.Connected conn) {
        this.conn = conn;
        this.writer = new RequestWriter((GatheringByteChannel) conn.channel());
        this.reader = new ReplyReader(conn.channel(), this, 1);
        this.block = Math.max(conn.info().minimumBlock(), 512);
        this.buffer = NativeBuffer.allocate(Math.max(MAX_REQUEST, block));
    }

    static NbdFileChannel open(NbdUri uri) throws IOException {
        return new NbdFileChannel(ClientHandshake.connect(uri, ClientCredentials.of(uri), true));
    }

    @Override
    public synchronized int read(ByteBuffer dst, long at) throws IOException {
        ensureOpen();
        long size = conn.info().size();
        if (at >= size) {
            return -1;
        }
        int want = (int) Math.min(Math.min(dst.remaining(), size - at), MAX_REQUEST - block);
        if (want == 0) {
            return 0;
        }
        long start = at / block * block;
        long end = Math.min(size, (at + want + block - 1) / block * block);
        int length = (int) (end - start);
        requestOffset = start;
        requestLength = length;
        result = Integer.MIN_VALUE;
        writer.send(CMD_READ, 0, 0, start, length);
        while (result == Integer.MIN_VALUE) {
            reader.next();
        }
        if (result < 0) {
            throw new IOException(conn.info().name() + ": read of " + length + " bytes at " + start + " failed: "
                    + Errno.describe(result));
        }
        ByteBuffer view = buffer.view((int) (at - start), want);
        dst.put(view);
        return want;
    }

    @Override
    public int request(long cookie) {
        return cookie == 0 && result == Integer.MIN_VALUE ? 0 : -1;
    }

    @Override
    public long offset(int request) {
        return requestOffset;
    }

    @Override
    public int length(int request) {
        return requestLength;
    }

    @Override
    public long readAddress(int request) {
        return buffer.address();
    }

    @Override
    public void done(int request, int res) {
        result = res;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long at) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return conn.info().size();
    }

    @Override
    public FileChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // nothing written, nothing to force
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, MAX_REQUEST / 2));
        int n = read(b, at);
        if (n <= 0) {
            return 0;
        }
        b.flip();
        return target.write(b);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("remote exports cannot be mapped");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("remote exports cannot be locked");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("remote exports cannot be locked");
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            writer.send(CMD_DISC, 0, 0, 0, 0);
        } catch (IOException e) {
            // the server went first
        } finally {
            conn.close();
            buffer.close();
        }
    }
}
