package io.uraid.io.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Opening and tuning the sockets NBD runs on, either side. */
public final class NbdSockets {
    /** Requested SO_SNDBUF (and SO_RCVBUF on TCP) of each NBD connection, either side. */
    public static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nbd-deadlines");
        t.setDaemon(true);
        return t;
    });

    private NbdSockets() {
    }

    /**
     * Gives a connection socket buffers big enough for several 1 MiB payloads: with the 208 KiB
     * default a large reply (or WRITE) leaves in small steps, each waiting for the peer to drain
     * the last, so sender and receiver take turns instead of overlapping (bench/nbd.sh: 1 MiB
     * reads at QD8 ~30 % faster). The kernel caps the size at net.core.wmem_max / rmem_max; a
     * refusal only costs speed. A unix socket's receive side is charged to the sender's buffer.
     * TCP also gets TCP_NODELAY, as the spec asks of both sides.
     */
    public static void tune(SocketChannel ch, boolean tcp) {
        try {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            if (tcp) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException | UnsupportedOperationException e) {
            Logger.getLogger(NbdSockets.class.getName()).fine("NBD: socket options not set: " + e.getMessage());
        }
    }

    /** A connected, tuned, blocking socket to the server of {@code uri}, within {@code timeoutMillis}. */
    public static SocketChannel connect(NbdUri uri, long timeoutMillis) throws IOException {
        if (uri.isUnix()) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(uri.socket()));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            tune(ch, false);
            return ch;
        }
        SocketChannel ch = SocketChannel.open();
        try {
            // The socket adaptor's connect honours a timeout: an unreachable host fails in
            // seconds, not after the kernel's two minutes of SYN retries.
            ch.socket().connect(new InetSocketAddress(uri.host(), uri.port()), (int) Math.min(timeoutMillis,
                    Integer.MAX_VALUE));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        tune(ch, true);
        return ch;
    }

    /**
     * Closes {@code ch} if {@link AutoCloseable#close() the returned handle} is not closed within
     * {@code millis}: a blocking handshake with a server that stopped answering ends with an
     * error instead of hanging.
     */
    public static AutoCloseable deadline(SocketChannel ch, long millis) {
        ScheduledFuture<?> f = DEADLINES.schedule(() -> {
            try {
                ch.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, millis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }
}
