package io.uraid.io.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a blocking socket, as a channel: what NBD's STARTTLS turns a connection into. One
 * thread may read while another writes (an NBD connection has a reader and a replier or a
 * sender and a receiver); the JDK's {@link SSLEngine} allows wrap and unwrap to run at once.
 *
 * <p>Bulk data is encrypted many records at a time into one large network buffer, so a 1 MiB
 * payload leaves in a few system calls, and a read that has room for a whole record decrypts
 * straight into the caller's buffer (native memory included). The buffers are allocated once
 * per connection (direct: measured as cheap as heap arrays for the JDK's AES-GCM, and they
 * spare the socket a copy). What TLS still allocates is the JDK's own, per 16 KiB record.
 */
public final class TlsChannel implements TlsTransport {
    /** Network buffers hold this many bytes of records, so a system call moves many of them. */
    private static final int NET_BUFFER = 256 << 10;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Records received, not yet decrypted, in read mode (position: the next record; limit: the
     * end of what arrived). Compacted only when more must be read from the socket, not after
     * each record: a buffer holds many records, and moving the rest after each would copy it
     * over and over.
     */
    private ByteBuffer netIn;
    /** Plaintext decrypted and not yet read (write mode). */
    private ByteBuffer appIn;
    /** Records to send (cleared before each use). */
    private ByteBuffer netOut;
    private final ByteBuffer[] one = new ByteBuffer[1];
    private volatile boolean closed;

    private TlsChannel(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        int app = engine.getSession().getApplicationBufferSize();
        netIn = ByteBuffer.allocateDirect(Math.max(NET_BUFFER, packet)).flip();
        netOut = ByteBuffer.allocateDirect(Math.max(NET_BUFFER, packet));
        appIn = ByteBuffer.allocateDirect(app);
    }

    /**
     * Runs the TLS handshake on {@code socket} (blocking) and returns the secured channel.
     *
     * @throws SSLException naming the cause when the peer is refused or refuses us
     */
    public static TlsChannel handshake(SocketChannel socket, SSLEngine engine) throws IOException {
        TlsChannel c = new TlsChannel(socket, engine);
        c.runHandshake();
        return c;
    }

    @Override
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    @Override
    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    @Override
    public String provider() {
        return JdkTls.INSTANCE.name();
    }

    /** The engine, for what the handshake learned (peer certificates, cipher suite). */
    public SSLEngine engine() {
        return engine;
    }

    private void runHandshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP:
                    hs = wrapHandshake();
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    hs = unwrapHandshake();
                    break;
                case NEED_TASK:
                    runTasks();
                    hs = engine.getHandshakeStatus();
                    break;
                default:
                    throw new SSLException("unexpected TLS handshake state " + hs);
            }
        }
    }

    private HandshakeStatus wrapHandshake() throws IOException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            netOut = grow(netOut, engine.getSession().getPacketBufferSize());
            return r.getHandshakeStatus();
        }
        flushNetOut();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS handshake failed (the peer's alert or ours was sent)");
        }
        return r.getHandshakeStatus();
    }

    private HandshakeStatus unwrapHandshake() throws IOException {
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW:
                fill("during the TLS handshake");
                break;
            case BUFFER_OVERFLOW:
                appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                break;
            case CLOSED:
                // An alert from the peer; the engine's message says which when it throws on the next call.
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    wrapHandshake();
                }
                throw new SSLException("the peer closed the connection during the TLS handshake");
            default:
                break;
        }
        return r.getHandshakeStatus();
    }

    private void fill(String when) throws IOException {
        if (receive() < 0) {
            throw new EOFException("the peer closed the connection " + when);
        }
    }

    /** Reads more records from the socket behind what {@link #netIn} holds; -1 at EOF. */
    private int receive() throws IOException {
        netIn.compact();
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, netIn.capacity() * 2);
        }
        try {
            return socket.read(netIn);
        } finally {
            netIn.flip();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** A bigger buffer (write mode) holding what {@code b} (write mode) held. */
    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(atLeast, b.capacity()));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private void flushNetOut() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            socket.write(netOut);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            if (appIn.position() > 0) {
                return drainAppIn(dst);
            }
            while (true) {
                // A record decrypts straight into dst when it surely fits (no copy for bulk reads).
                ByteBuffer target = dst.remaining() >= appIn.capacity() ? dst : appIn;
                SSLEngineResult r = engine.unwrap(netIn, target);
                afterPostHandshake(r.getHandshakeStatus());
                switch (r.getStatus()) {
                    case OK:
                        if (r.bytesProduced() > 0) {
                            return target == dst ? r.bytesProduced() : drainAppIn(dst);
                        }
                        break; // a record without data (session ticket, key update)
                    case BUFFER_UNDERFLOW:
                        if (receive() < 0) {
                            return -1;
                        }
                        break;
                    case BUFFER_OVERFLOW:
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                        break;
                    case CLOSED:
                        return -1;
                    default:
                        throw new SSLException("unexpected TLS state " + r.getStatus());
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** A post-handshake message (TLS 1.3 key update) may ask for an answer or a task. */
    private void afterPostHandshake(HandshakeStatus hs) throws IOException {
        while (true) {
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                hs = engine.getHandshakeStatus();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                writeLock.lock();
                try {
                    hs = wrapHandshake();
                } finally {
                    writeLock.unlock();
                }
            } else {
                return;
            }
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        appIn.compact();
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            one[0] = src;
            return (int) writeLocked(one, 0, 1);
        } finally {
            one[0] = null;
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        writeLock.lock();
        try {
            return writeLocked(srcs, offset, length);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Encrypts everything, as many records per system call as the network buffer holds. */
    private long writeLocked(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        long total = 0;
        int packet = engine.getSession().getPacketBufferSize();
        netOut.clear();
        while (remaining(srcs, offset, length)) {
            if (netOut.remaining() < packet) {
                flushNetOut();
                netOut.clear();
            }
            SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
            switch (r.getStatus()) {
                case OK:
                    total += r.bytesConsumed();
                    break;
                case BUFFER_OVERFLOW:
                    flushNetOut();
                    netOut.clear();
                    if (netOut.capacity() < packet) {
                        netOut = ByteBuffer.allocateDirect(packet);
                    }
                    break;
                case CLOSED:
                    throw new ClosedChannelException();
                default:
                    throw new SSLException("unexpected TLS state " + r.getStatus());
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks();
            }
        }
        flushNetOut();
        return total;
    }

    private static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isOpen() {
        return !closed && socket.isOpen();
    }

    @Override
    public SocketChannel socket() {
        return socket;
    }

    /** Sends close_notify (best effort) and closes the socket. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (writeLock.tryLock()) {
            try {
                engine.closeOutbound();
                netOut.clear();
                engine.wrap(EMPTY, netOut);
                flushNetOut();
            } catch (IOException e) {
                // the peer is gone: nothing to tell it
            } finally {
                writeLock.unlock();
            }
        }
        socket.close();
    }
}
