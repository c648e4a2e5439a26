package io.uraid.daemon.nbd;

import static io.uraid.daemon.nbd.NbdConstants.*;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.io.Errno;
import io.uraid.io.internal.UnsafeAccess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An NBD export as a {@link BlockTarget}, so anything that drives a target (the bench runner,
 * tests) can drive a remote export: one connection, requests pipelined (up to
 * {@link #MAX_IN_FLIGHT}), simple replies matched by cookie on a receiver thread, which runs
 * the callbacks. Payloads go between the caller's native memory and the socket directly.
 */
public final class NbdClient implements BlockTarget, AutoCloseable {
    public static final int MAX_IN_FLIGHT = 256;

    private final SocketChannel ch;
    private final long size;
    private final int blockSize;
    private final int flags;
    private final Object sendLock = new Object();
    private final ByteBuffer header = ByteBuffer.allocateDirect(REQUEST_HEADER_SIZE);
    private final ByteBuffer sendView = ByteBuffer.allocateDirect(1).duplicate();
    private final ByteBuffer replyHeader = ByteBuffer.allocateDirect(SIMPLE_REPLY_SIZE);
    private final ByteBuffer receiveView = ByteBuffer.allocateDirect(1).duplicate();
    // In-flight table indexed by cookie; free cookies on a stack (guarded by 'this').
    private final IoCallback[] callbacks = new IoCallback[MAX_IN_FLIGHT];
    private final long[] tags = new long[MAX_IN_FLIGHT];
    private final long[] readAddress = new long[MAX_IN_FLIGHT];
    private final int[] readLength = new int[MAX_IN_FLIGHT];
    private final int[] free = new int[MAX_IN_FLIGHT];
    private int freeCount;
    private volatile boolean closed;
    private final Thread receiver;

    private NbdClient(SocketChannel ch, long size, int blockSize, int flags) {
        this.ch = ch;
        this.size = size;
        this.blockSize = blockSize;
        this.flags = flags;
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            free[i] = MAX_IN_FLIGHT - 1 - i;
        }
        freeCount = MAX_IN_FLIGHT;
        receiver = new Thread(this::receive, "nbd-client-" + ch.hashCode());
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Connects to {@code nbd+unix:///EXPORT?socket=PATH} or {@code nbd://HOST[:PORT]/EXPORT} and
     * negotiates the export with OPT_GO.
     */
    public static NbdClient connect(String uri) throws IOException {
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("bad NBD URI '" + uri + "': " + e.getMessage());
        }
        String export = u.getPath() == null || u.getPath().isEmpty() ? "" : u.getPath().substring(1);
        Endpoint endpoint;
        if ("nbd+unix".equals(u.getScheme())) {
            String q = u.getQuery() == null ? "" : u.getQuery();
            if (!q.startsWith("socket=")) {
                throw new IllegalArgumentException("NBD URI '" + uri + "' needs ?socket=PATH");
            }
            endpoint = Endpoint.unix(Path.of(q.substring("socket=".length())));
        } else if ("nbd".equals(u.getScheme()) && u.getHost() != null) {
            endpoint = new Endpoint(null, new InetSocketAddress(u.getHost(), u.getPort() < 0 ? Endpoint.NBD_PORT
                    : u.getPort()));
        } else {
            throw new IllegalArgumentException("unsupported NBD URI '" + uri + "' (nbd+unix:///NAME?socket=PATH or "
                    + "nbd://HOST:PORT/NAME)");
        }
        SocketChannel ch;
        try {
            ch = endpoint.connect();
            endpoint.tuneBuffers(ch);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + uri + ": " + e.getMessage(), e);
        }
        try {
            return negotiate(ch, export);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static NbdClient negotiate(SocketChannel ch, String export) throws IOException {
        ByteBuffer hello = read(ch, 18);
        if (hello.getLong() != NBDMAGIC || hello.getLong() != IHAVEOPT) {
            throw new IOException("not an NBD newstyle server");
        }
        if ((hello.getShort() & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException("the server does not speak fixed newstyle");
        }
        Wire.writeFully(ch, ByteBuffer.allocate(4).putInt(CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES).flip());
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        ByteBuffer go = ByteBuffer.allocate(16 + 4 + name.length + 4);
        go.putLong(IHAVEOPT).putInt(OPT_GO).putInt(4 + name.length + 4).putInt(name.length).put(name)
                .putShort((short) 1).putShort((short) INFO_BLOCK_SIZE).flip();
        Wire.writeFully(ch, go);
        long size = -1;
        int flags = 0;
        int minBlock = 512;
        while (true) {
            ByteBuffer h = read(ch, 20);
            if (h.getLong() != OPTION_REPLY_MAGIC) {
                throw new IOException("bad option reply magic");
            }
            h.getInt();
            int type = h.getInt();
            ByteBuffer data = read(ch, h.getInt());
            if (type == REP_ACK) {
                break;
            }
            if (type < 0) {
                throw new IOException("export '" + export + "' refused: " + StandardCharsets.UTF_8.decode(data));
            }
            if (type == REP_INFO && data.remaining() >= 2) {
                int info = data.getShort();
                if (info == INFO_EXPORT) {
                    size = data.getLong();
                    flags = data.getShort() & 0xffff;
                } else if (info == INFO_BLOCK_SIZE) {
                    minBlock = Math.max(data.getInt(), 512);
                }
            }
        }
        if (size < 0) {
            throw new IOException("the server sent no export size");
        }
        return new NbdClient(ch, size, minBlock, flags);
    }

    private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        Wire.readFully(ch, b);
        return b.flip();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** The export's transmission flags. */
    public int transmissionFlags() {
        return flags;
    }

    @Override
    public void read(long offset, int length, long address, IoCallback callback, long tag) {
        int err = check(offset, length, false);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        send(CMD_READ, 0, offset, length, address, true, callback, tag);
    }

    @Override
    public void write(long offset, int length, long address, int fl, IoCallback callback, long tag) {
        int err = check(offset, length, true);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        int cmdFlags = (fl & FUA) != 0 && (flags & TF_SEND_FUA) != 0 ? CMD_FLAG_FUA : 0;
        send(CMD_WRITE, cmdFlags, offset, length, address, false, callback, tag);
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        if ((flags & TF_SEND_FLUSH) == 0) {
            callback.done(tag, closed ? -Errno.ESHUTDOWN : 0);
            return;
        }
        send(CMD_FLUSH, 0, 0, 0, 0, false, callback, tag);
    }

    /** WRITE_ZEROES: the contract says a discarded range reads back as zeroes, which TRIM does not promise. */
    @Override
    public void discard(long offset, long length, IoCallback callback, long tag) {
        int err = check(offset, length, true);
        if (err == 0 && (length > Integer.MAX_VALUE || (flags & TF_SEND_WRITE_ZEROES) == 0)) {
            err = -Errno.EOPNOTSUPP;
        }
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        send(CMD_WRITE_ZEROES, 0, offset, (int) length, 0, false, callback, tag);
    }

    private int check(long offset, long length, boolean write) {
        if (closed) {
            return -Errno.ESHUTDOWN;
        }
        return BlockTarget.rangeError(offset, length, write, size, blockSize);
    }

    private void send(int type, int cmdFlags, long offset, int length, long address, boolean isRead,
                      IoCallback callback, long tag) {
        int cookie;
        try {
            cookie = takeCookie();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.done(tag, -Errno.ECANCELED);
            return;
        }
        callbacks[cookie] = callback;
        tags[cookie] = tag;
        readAddress[cookie] = isRead ? address : 0;
        readLength[cookie] = isRead ? length : 0;
        try {
            synchronized (sendLock) {
                header.clear();
                header.putInt(REQUEST_MAGIC).putShort((short) cmdFlags).putShort((short) type).putLong(cookie)
                        .putLong(offset).putInt(length).flip();
                Wire.writeFully(ch, header);
                if (type == CMD_WRITE) {
                    UnsafeAccess.retarget(sendView, address, length);
                    Wire.writeFully(ch, sendView);
                }
            }
        } catch (IOException e) {
            failAll(); // the connection is broken: every request in flight, this one included, fails
        }
    }

    private synchronized int takeCookie() throws InterruptedException {
        while (freeCount == 0) {
            wait();
        }
        return free[--freeCount];
    }

    private synchronized IoCallback finishCookie(int cookie) {
        IoCallback cb = callbacks[cookie];
        if (cb == null) {
            return null;
        }
        callbacks[cookie] = null;
        free[freeCount++] = cookie;
        notifyAll();
        return cb;
    }

    private void receive() {
        try {
            while (true) {
                replyHeader.clear();
                Wire.readFully(ch, replyHeader);
                replyHeader.flip();
                if (replyHeader.getInt() != SIMPLE_REPLY_MAGIC) {
                    throw new IOException("unexpected reply magic (structured replies are not negotiated)");
                }
                int error = replyHeader.getInt();
                long cookie = replyHeader.getLong();
                if (cookie < 0 || cookie >= MAX_IN_FLIGHT || callbacks[(int) cookie] == null) {
                    throw new IOException("reply for unknown cookie " + cookie);
                }
                int c = (int) cookie;
                if (error == 0 && readLength[c] > 0) {
                    UnsafeAccess.retarget(receiveView, readAddress[c], readLength[c]);
                    Wire.readFully(ch, receiveView);
                }
                long tag = tags[c];
                IoCallback cb = finishCookie(c);
                cb.done(tag, error == 0 ? 0 : -error);
            }
        } catch (IOException e) {
            failAll();
        }
    }

    private void failAll() {
        closed = true;
        try {
            ch.close();
        } catch (IOException ignored) {
            // already broken
        }
        for (int c = 0; c < MAX_IN_FLIGHT; c++) {
            long tag = tags[c];
            IoCallback cb = finishCookie(c);
            if (cb != null) {
                cb.done(tag, -Errno.EIO);
            }
        }
    }

    /** Sends DISC after the requests in flight are answered, then closes the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            while (freeCount < MAX_IN_FLIGHT && !closed) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            synchronized (sendLock) {
                header.clear();
                header.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) CMD_DISC).putLong(0).putLong(0)
                        .putInt(0).flip();
                Wire.writeFully(ch, header);
            }
        } catch (IOException ignored) {
            // the server went first
        }
        closed = true;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
