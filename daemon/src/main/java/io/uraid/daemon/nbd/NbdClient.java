package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.io.Errno;
import io.uraid.io.nbd.ClientHandshake;
import io.uraid.io.nbd.NbdUri;
import io.uraid.io.nbd.ReplyReader;
import io.uraid.io.nbd.ReplySink;
import io.uraid.io.nbd.RequestWriter;
import io.uraid.io.tls.TlsCertificates;
import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/**
 * An NBD export as a {@link BlockTarget}, so anything that drives a target (the bench runner,
 * tests) can drive a remote export: one connection, requests pipelined (up to
 * {@link #MAX_IN_FLIGHT}), sent on the caller's thread, replies (simple or structured) matched
 * by cookie on a receiver thread, which runs the callbacks. Payloads go between the caller's
 * native memory and the socket directly. {@code nbds://} URIs are encrypted (STARTTLS) with
 * the URI's {@code tls-certificates} directory. The handshake and the wire format are
 * device-io's ({@link ClientHandshake}, {@link RequestWriter}, {@link ReplyReader}), shared with
 * remote members.
 */
public final class NbdClient implements BlockTarget, AutoCloseable, ReplySink {
    public static final int MAX_IN_FLIGHT = 256;

    private final ClientHandshake.Connected conn;
    private final long size;
    private final int blockSize;
    private final int flags;
    private final RequestWriter writer;
    private final ReplyReader reader;
    // In-flight table indexed by cookie; free cookies on a stack (all guarded by 'this').
    private final IoCallback[] callbacks = new IoCallback[MAX_IN_FLIGHT];
    private final long[] tags = new long[MAX_IN_FLIGHT];
    private final long[] offsets = new long[MAX_IN_FLIGHT];
    private final long[] readAddress = new long[MAX_IN_FLIGHT];
    private final int[] lengths = new int[MAX_IN_FLIGHT];
    private final int[] free = new int[MAX_IN_FLIGHT];
    private int freeCount;
    private volatile boolean closed;

    private NbdClient(ClientHandshake.Connected conn) {
        this.conn = conn;
        this.size = conn.info().size();
        this.blockSize = Math.max(conn.info().minimumBlock(), 512);
        this.flags = conn.info().flags();
        this.writer = new RequestWriter((GatheringByteChannel) conn.channel());
        this.reader = new ReplyReader(conn.channel(), this, MAX_IN_FLIGHT);
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            free[i] = MAX_IN_FLIGHT - 1 - i;
        }
        freeCount = MAX_IN_FLIGHT;
        Thread receiver = new Thread(this::receive, "nbd-client-" + conn.socket().hashCode());
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Connects to an NBD URI ({@code nbd://HOST[:PORT]/NAME}, {@code nbd+unix:///NAME?socket=PATH},
     * their {@code nbds} forms) and negotiates the export with OPT_GO.
     *
     * @throws IllegalArgumentException for a URI that is not one
     */
    public static NbdClient connect(String uri) throws IOException {
        NbdUri u = NbdUri.parse(uri);
        TlsCertificates tls = u.tls() ? TlsCertificates.client(u.tlsCertificates(), u.verifyPeer()) : null;
        return new NbdClient(ClientHandshake.connect(u, tls, true));
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

    /** True when the connection is encrypted. */
    public boolean tls() {
        return conn.tls();
    }

    @Override
    public void read(long offset, int length, long address, IoCallback callback, long tag) {
        int err = check(offset, length, false);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        send(CMD_READ, 0, offset, length, address, callback, tag);
    }

    @Override
    public void write(long offset, int length, long address, int fl, IoCallback callback, long tag) {
        int err = check(offset, length, true);
        if (err != 0 || length == 0) {
            callback.done(tag, err);
            return;
        }
        int cmdFlags = (fl & FUA) != 0 && (flags & TF_SEND_FUA) != 0 ? CMD_FLAG_FUA : 0;
        send(CMD_WRITE, cmdFlags, offset, length, address, callback, tag);
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        if ((flags & TF_SEND_FLUSH) == 0) {
            callback.done(tag, closed ? -Errno.ESHUTDOWN : 0);
            return;
        }
        send(CMD_FLUSH, 0, 0, 0, 0, callback, tag);
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
        send(CMD_WRITE_ZEROES, 0, offset, (int) length, 0, callback, tag);
    }

    private int check(long offset, long length, boolean write) {
        if (closed) {
            return -Errno.ESHUTDOWN;
        }
        return BlockTarget.rangeError(offset, length, write, size, blockSize);
    }

    private void send(int type, int cmdFlags, long offset, int length, long address, IoCallback callback, long tag) {
        int cookie;
        try {
            cookie = takeCookie(type == CMD_READ ? address : 0, offset, length, callback, tag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.done(tag, -Errno.ECANCELED);
            return;
        }
        try {
            synchronized (writer) {
                if (type == CMD_WRITE) {
                    writer.sendWrite(cmdFlags, cookie, offset, address, length);
                } else {
                    writer.send(type, cmdFlags, cookie, offset, length);
                }
            }
        } catch (IOException e) {
            failAll(); // the connection is broken: every request in flight, this one included, fails
        }
    }

    private synchronized int takeCookie(long address, long offset, int length, IoCallback callback, long tag)
            throws InterruptedException {
        while (freeCount == 0) {
            wait();
        }
        int c = free[--freeCount];
        callbacks[c] = callback;
        tags[c] = tag;
        offsets[c] = offset;
        lengths[c] = length;
        readAddress[c] = address;
        return c;
    }

    @Override
    public synchronized int request(long cookie) {
        return cookie >= 0 && cookie < MAX_IN_FLIGHT && callbacks[(int) cookie] != null ? (int) cookie : -1;
    }

    @Override
    public synchronized long offset(int request) {
        return offsets[request];
    }

    @Override
    public synchronized int length(int request) {
        return lengths[request];
    }

    @Override
    public synchronized long readAddress(int request) {
        return readAddress[request];
    }

    @Override
    public void done(int request, int result) {
        long tag;
        IoCallback cb;
        synchronized (this) {
            tag = tags[request];
            cb = finishCookie(request);
        }
        if (cb != null) {
            cb.done(tag, result);
        }
    }

    /** Frees a cookie; its callback, or null when it was already answered. Caller holds the lock. */
    private IoCallback finishCookie(int cookie) {
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
                reader.next();
            }
        } catch (IOException e) {
            failAll();
        }
    }

    private void failAll() {
        closed = true;
        try {
            conn.close();
        } catch (IOException ignored) {
            // already broken
        }
        for (int c = 0; c < MAX_IN_FLIGHT; c++) {
            long tag;
            IoCallback cb;
            synchronized (this) {
                tag = tags[c];
                cb = finishCookie(c);
            }
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
            synchronized (writer) {
                writer.send(CMD_DISC, 0, 0, 0, 0);
            }
        } catch (IOException ignored) {
            // the server went first
        }
        closed = true;
        try {
            conn.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
