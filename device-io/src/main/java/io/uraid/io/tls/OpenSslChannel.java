package io.uraid.io.tls;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import io.uraid.io.nativeio.OpenSsl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLException;

/**
 * A {@link TlsTransport} whose handshake and records OpenSSL does on the socket's descriptor.
 *
 * <p>Why it is built this way:
 * <ul>
 *   <li>OpenSSL's {@code SSL} object is not safe for a read and a write at once, and an NBD
 *       connection has a reader and a writer thread. So every call on it holds {@link #ssl}'s
 *       lock, and the descriptor is non-blocking: a call never waits inside OpenSSL with the lock
 *       held. When OpenSSL wants to read or write more than the socket has or takes, the thread
 *       lets the lock go and waits in {@code ppoll} for that direction alone.</li>
 *   <li>The descriptor is our own duplicate of the JDK channel's, so a close of the JDK channel
 *       from elsewhere (a deadline, a watchdog) can never leave OpenSSL reading a number the
 *       kernel has handed to another file. {@link #close()} shuts the socket down, which wakes
 *       both threads, then frees the {@code SSL} and the duplicate under the lock. A JDK close
 *       alone is noticed at the next poll timeout ({@link #POLL_MILLIS}).</li>
 *   <li>No allocation per call: direct buffers are passed by address, heap ones go through
 *       preallocated native buffers, and small pieces of a gathering write (reply headers, 4 KiB
 *       payloads) are packed into full records instead of a record each.</li>
 * </ul>
 */
final class OpenSslChannel implements TlsTransport {
    /** How long a blocked read or write waits before it checks whether the JDK channel was closed. */
    static final int POLL_MILLIS = 1000;
    /** Bytes of small pieces packed into one record (TLS's largest record). */
    private static final int STAGING = 16 << 10;
    /**
     * Records are gathered into writes of up to this many bytes: a system call per 16 KiB record
     * costs as much as the encryption on a virtual machine (measured: half the writer's time).
     */
    private static final int WRITE_BUFFER = 256 << 10;
    private static final int WANT_READ = -1;
    private static final int WANT_WRITE = -2;
    private static final int END = -3;

    private final SocketChannel socket;
    private final int fd;
    private final String host;
    /** The SSL object; 0 once freed. Guarded by {@link #lock}, as is every call on it. */
    private long ssl;
    /**
     * Monitors rather than ReentrantLocks: the reader and the writer contend for {@link #lock}
     * all the time, and a contended ReentrantLock allocates a queue node per wait.
     */
    private final Object lock = new Object();
    private final Object readers = new Object();
    private final Object writers = new Object();
    /** A fatal TLS or socket error happened: no more calls but SSL_free (OpenSSL's rule). */
    private boolean failed;
    private volatile boolean closed;
    /** struct pollfd (8 bytes) then struct timespec (16), one per direction (both may wait at once). */
    private final NativeBuffer readPoll = NativeBuffer.allocate(32, 8);
    private final NativeBuffer writePoll = NativeBuffer.allocate(32, 8);
    private final NativeBuffer readBounce = NativeBuffer.allocate(STAGING);
    private final ByteBuffer readBounceView = readBounce.view();
    private final NativeBuffer staging = NativeBuffer.allocate(STAGING);
    private final ByteBuffer stagingView = staging.view();
    private String protocol;
    private String cipher;

    private OpenSslChannel(SocketChannel socket, int fd, long ssl, String host) {
        this.socket = socket;
        this.fd = fd;
        this.ssl = ssl;
        this.host = host;
        UnsafeAccess.putInt(readPoll.address(), fd);
        UnsafeAccess.putInt(writePoll.address(), fd);
    }

    /**
     * Runs the handshake on {@code socket} with an SSL made from {@code ctx} (OpenSSL counts the
     * SSL's reference to it: the context may be freed while connections live).
     *
     * @param host the name or address the server's certificate must carry (clients that verify);
     *             also sent as SNI when it is a name
     */
    static OpenSslChannel handshake(long ctx, SocketChannel socket, boolean server, String host,
            boolean verify) throws IOException {
        int dup = LinuxNative.dupCloseOnExec(SocketFd.of(socket));
        if (dup < 0) {
            throw new IOException("cannot duplicate the socket's descriptor: " + Errno.describe(dup));
        }
        long ssl = 0;
        try {
            int r = LinuxNative.setNonBlocking(dup);
            if (r < 0) {
                throw new IOException("cannot make the socket non-blocking: " + Errno.describe(r));
            }
            ssl = OpenSsl.newSsl(ctx);
            if (ssl == 0 || OpenSsl.setSocketWithWriteBuffer(ssl, dup, WRITE_BUFFER) != 1) {
                throw new IOException("OpenSSL: cannot set up the connection: " + OpenSsl.drainErrors());
            }
            if (host != null && !isAddress(host)) {
                OpenSsl.setServerName(ssl, host);
            }
            if (host != null && verify && OpenSsl.setExpectedHost(ssl, host) != 1) {
                throw new IOException("OpenSSL: cannot check the certificate against " + host + ": "
                        + OpenSsl.drainErrors());
            }
        } catch (IOException | RuntimeException e) {
            if (ssl != 0) {
                OpenSsl.freeSsl(ssl);
            }
            LinuxNative.close(dup);
            throw e;
        }
        OpenSslChannel c = new OpenSslChannel(socket, dup, ssl, host);
        try {
            c.runHandshake(server);
        } catch (IOException | RuntimeException e) {
            c.release();
            throw e;
        }
        return c;
    }

    /** True for an IPv4 or IPv6 literal (no SNI for those, as RFC 6066 says). */
    private static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
    }

    private void runHandshake(boolean server) throws IOException {
        while (true) {
            int r;
            synchronized (lock) {
                OpenSsl.clearErrors();
                int ret = server ? OpenSsl.accept(ssl) : OpenSsl.connect(ssl);
                if (ret == 1) {
                    protocol = OpenSsl.protocol(ssl);
                    cipher = OpenSsl.cipher(ssl);
                    return;
                }
                r = outcome(ret, true);
            }
            if (r == END) {
                throw new SSLException("the peer closed the connection during the TLS handshake");
            }
            await(r == WANT_READ);
        }
    }

    /**
     * What a call's result ≤ 0 means (under the lock): {@link #WANT_READ}, {@link #WANT_WRITE},
     * {@link #END}, or an exception naming the cause.
     */
    private int outcome(int ret, boolean handshaking) throws IOException {
        int e = OpenSsl.error(ssl, ret);
        switch (e) {
            case OpenSsl.SSL_ERROR_WANT_READ:
                return WANT_READ;
            case OpenSsl.SSL_ERROR_WANT_WRITE:
                return WANT_WRITE;
            case OpenSsl.SSL_ERROR_ZERO_RETURN:
                return END;
            case OpenSsl.SSL_ERROR_SYSCALL: {
                failed = true;
                String why = OpenSsl.drainErrors();
                if (why == null) {
                    return END; // the socket ended or was reset: for a reader, the end of the stream
                }
                throw new IOException("TLS connection failed: " + why);
            }
            default: {
                failed = true;
                String why = OpenSsl.drainErrors();
                long verify = OpenSsl.verifyResult(ssl);
                StringBuilder m = new StringBuilder(handshaking ? "TLS handshake failed: " : "TLS failed: ");
                m.append(why != null ? why : "OpenSSL error " + e);
                if (handshaking && verify != 0) {
                    m.append(" (").append(OpenSsl.verifyResultText(verify));
                    if (host != null && verify == 62) { // X509_V_ERR_HOSTNAME_MISMATCH
                        m.append(": ").append(host);
                    }
                    m.append(')');
                }
                throw new SSLException(m.toString());
            }
        }
    }

    /** Waits until the socket is readable ({@code in}) or writable, or the poll times out. */
    private void await(boolean in) throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        NativeBuffer p = in ? readPoll : writePoll;
        long a = p.address();
        UnsafeAccess.putShort(a + 4, in ? LinuxNative.POLLIN : LinuxNative.POLLOUT);
        UnsafeAccess.putShort(a + 6, (short) 0);
        // ppoll writes the time left back into the timespec: set it afresh each time
        UnsafeAccess.putLong(a + 8, POLL_MILLIS / 1000);
        UnsafeAccess.putLong(a + 16, (POLL_MILLIS % 1000) * 1_000_000L);
        int r = LinuxNative.ppoll(a, 1, a + 8);
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (r == 0 && !socket.isOpen()) {
            close(); // closed behind our back (a deadline, a watchdog): end the TLS side too
            throw new AsynchronousCloseException();
        }
        if (r < 0 && r != -Errno.EINTR) {
            throw new IOException("poll on the TLS socket failed: " + Errno.describe(r));
        }
    }

    /** One SSL_read or SSL_write: bytes moved, or {@link #WANT_READ}, {@link #WANT_WRITE}, {@link #END}. */
    private int transfer(boolean read, long address, int length) throws IOException {
        synchronized (lock) {
            if (ssl == 0) {
                throw new AsynchronousCloseException();
            }
            if (failed) {
                return END;
            }
            int n = read ? OpenSsl.read(ssl, address, length) : OpenSsl.write(ssl, address, length);
            return n > 0 ? n : outcome(n, false);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (readers) {
            if (!dst.hasRemaining()) {
                return 0;
            }
            boolean direct = dst.isDirect();
            while (true) {
                int length = direct ? dst.remaining() : Math.min(dst.remaining(), STAGING);
                long address = direct ? UnsafeAccess.addressOf(dst) + dst.position() : readBounce.address();
                int n = transfer(true, address, length);
                if (n > 0) {
                    if (direct) {
                        dst.position(dst.position() + n);
                    } else {
                        dst.put(readBounceView.clear().limit(n));
                    }
                    return n;
                }
                if (n == END) {
                    return -1;
                }
                await(n == WANT_READ);
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (writers) {
            int before = src.remaining();
            put(src);
            flushStaging();
            flushRecords();
            return before;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        synchronized (writers) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += srcs[i].remaining();
                put(srcs[i]);
            }
            flushStaging();
            flushRecords();
            return total;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Sends {@code b}: a direct piece of a record or more goes straight from its memory; smaller
     * pieces and heap buffers are packed into {@link #staging} first.
     */
    private void put(ByteBuffer b) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (b.isDirect() && b.remaining() >= STAGING) {
            flushStaging();
            send(UnsafeAccess.addressOf(b) + b.position(), b.remaining());
            b.position(b.limit());
            return;
        }
        while (b.hasRemaining()) {
            if (!stagingView.hasRemaining()) {
                flushStaging();
            }
            int n = Math.min(b.remaining(), stagingView.remaining());
            int limit = b.limit();
            b.limit(b.position() + n);
            stagingView.put(b);
            b.limit(limit);
        }
    }

    private void flushStaging() throws IOException {
        if (stagingView.position() > 0) {
            send(staging.address(), stagingView.position());
            stagingView.clear();
        }
    }

    /** Sends the records gathered in OpenSSL's write buffer, waiting while the socket is full. */
    private void flushRecords() throws IOException {
        while (true) {
            boolean retry;
            synchronized (lock) {
                if (ssl == 0) {
                    throw new AsynchronousCloseException();
                }
                if (failed) {
                    throw new IOException("the TLS connection is closed");
                }
                if (OpenSsl.flush(ssl) > 0) {
                    return;
                }
                retry = OpenSsl.shouldRetry(ssl);
                if (!retry) {
                    failed = true;
                }
            }
            if (!retry) {
                throw new IOException("TLS connection failed while sending");
            }
            await(false);
        }
    }

    /** Writes {@code length} bytes at {@code address} as records, waiting while the socket is full. */
    private void send(long address, int length) throws IOException {
        while (length > 0) {
            int n = transfer(false, address, length);
            if (n > 0) {
                address += n;
                length -= n;
            } else if (n == END) {
                throw new IOException("the TLS connection is closed");
            } else {
                await(n == WANT_READ);
            }
        }
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String cipherSuite() {
        return cipher;
    }

    @Override
    public String provider() {
        return OpenSslTls.INSTANCE.name();
    }

    @Override
    public SocketChannel socket() {
        return socket;
    }

    @Override
    public boolean isOpen() {
        return !closed && socket.isOpen();
    }

    /**
     * Sends close_notify (best effort, never waiting), shuts the socket down (which wakes a read
     * or write blocked in another thread), frees OpenSSL's state and closes the socket.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (lock) {
            if (ssl != 0 && !failed) {
                OpenSsl.shutdown(ssl);
                OpenSsl.flush(ssl); // once: a full socket keeps its close_notify
                OpenSsl.clearErrors();
            }
        }
        LinuxNative.shutdown(fd, LinuxNative.SHUT_RDWR);
        release();
        socket.close();
    }

    /** Frees the SSL and our descriptor (the JDK's stays the caller's). */
    private void release() {
        synchronized (lock) {
            if (ssl != 0) {
                OpenSsl.freeSsl(ssl);
                ssl = 0;
                LinuxNative.close(fd);
            }
        }
        // The poll and bounce buffers are left to the garbage collector: another thread may still
        // be about to poll with them (it finds the channel closed right after).
    }
}
