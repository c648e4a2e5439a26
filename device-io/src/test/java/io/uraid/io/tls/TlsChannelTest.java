package io.uraid.io.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as NBD connections use it: both ends read and write at the same time from two threads,
 * in writes of every size (gathering, as replies go out) and reads into buffers large and
 * small, and every byte arrives in order. A client that does not trust the server, or that
 * the server does not trust, gets no connection.
 */
class TlsChannelTest {
    private static final long BYTES = 16L << 20;
    @TempDir
    Path dir;

    private record Pair(TlsChannel server, TlsChannel client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
            client.close();
        }
    }

    private static Pair connect(TlsCertificates serverCreds, TlsCertificates clientCreds) throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel c = SocketChannel.open(ss.getLocalAddress());
            SocketChannel s = ss.accept();
            CompletableFuture<TlsChannel> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return TlsChannel.handshake(s, serverCreds.serverEngine());
                } catch (IOException e) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TlsChannel client;
            try {
                client = TlsChannel.handshake(c, clientCreds.clientEngine("localhost", 10809));
            } catch (IOException e) {
                c.close();
                server.handle((x, t) -> null).get(10, TimeUnit.SECONDS);
                throw e;
            }
            try {
                return new Pair(server.get(10, TimeUnit.SECONDS), client);
            } catch (java.util.concurrent.ExecutionException e) {
                client.close();
                throw e.getCause().getCause() instanceof IOException io ? io : e; // the server refused the client
            }
        }
    }

    @Test
    void bothDirectionsAtOnceDeliverEveryByteInOrder() throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Pair p = connect(TlsCertificates.server(pki, true), TlsCertificates.client(pki, true))) {
            assertTrue(p.client().protocol().startsWith("TLSv1."), p.client().protocol());
            Future<?> a = pool.submit(() -> send(p.client(), 1));
            Future<?> b = pool.submit(() -> send(p.server(), 2));
            Future<Long> c = pool.submit(() -> receive(p.server(), 1));
            Future<Long> d = pool.submit(() -> receive(p.client(), 2));
            a.get(120, TimeUnit.SECONDS);
            b.get(120, TimeUnit.SECONDS);
            assertEquals(BYTES, c.get(120, TimeUnit.SECONDS));
            assertEquals(BYTES, d.get(120, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void untrustedPeersGetNoConnection() throws Exception {
        Path pki = TestPki.create(dir.resolve("a"), TestPki.KeyFormat.PKCS8_RSA);
        Path other = TestPki.create(dir.resolve("b"), TestPki.KeyFormat.PKCS8_RSA);
        assertThrows(SSLException.class, () -> connect(TlsCertificates.server(pki, false),
                TlsCertificates.client(other, true)).close(), "the client does not trust the server's CA");
        assertThrows(IOException.class, () -> {
            try (Pair p = connect(TlsCertificates.server(pki, true), TlsCertificates.client(other, false))) {
                // TLS 1.3: the client learns of the refusal on its first read
                p.client().write(ByteBuffer.wrap(new byte[1]));
                if (p.client().read(ByteBuffer.allocate(1)) < 0) {
                    throw new IOException("closed");
                }
            }
        }, "the server does not trust the client's certificate");
    }

    /** Writes BYTES of a seeded stream in gathering writes of 1 byte to 1 MiB. */
    private static Void send(TlsChannel ch, long seed) throws IOException {
        Random sizes = new Random(seed * 31);
        Stream stream = new Stream(seed);
        ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
        ByteBuffer small = ByteBuffer.allocate(64);
        long sent = 0;
        while (sent < BYTES) {
            int n1 = (int) Math.min(1 + sizes.nextInt(1 << 20), BYTES - sent);
            int n2 = (int) Math.min(sizes.nextInt(64), BYTES - sent - n1);
            ByteBuffer x = big.clear().limit(n1);
            ByteBuffer y = small.clear().limit(n2);
            stream.fill(x);
            stream.fill(y);
            ByteBuffer[] both = {x.flip(), y.flip()};
            while (x.hasRemaining() || y.hasRemaining()) {
                ch.write(both);
            }
            sent += n1 + n2;
        }
        return null;
    }

    /** Reads until BYTES arrived, in reads of 1 byte to 2 MiB; checks every byte. */
    private static long receive(TlsChannel ch, long seed) throws IOException {
        Random sizes = new Random(seed * 17);
        Stream stream = new Stream(seed);
        ByteBuffer big = ByteBuffer.allocateDirect(2 << 20);
        ByteBuffer small = ByteBuffer.allocate(100);
        long got = 0;
        while (got < BYTES) {
            ByteBuffer b = sizes.nextBoolean() ? big.clear().limit(1 + sizes.nextInt(2 << 20))
                    : small.clear().limit(1 + sizes.nextInt(100));
            int n = ch.read(b);
            if (n < 0) {
                throw new IOException("EOF after " + got);
            }
            b.flip();
            while (b.hasRemaining()) {
                byte want = stream.next();
                byte have = b.get();
                if (want != have) {
                    throw new IOException("byte " + (got + b.position() - 1) + " differs");
                }
            }
            got += n;
        }
        return got;
    }

    /** A cheap deterministic byte stream (xorshift). */
    private static final class Stream {
        private long x;

        Stream(long seed) {
            x = seed * 0x9E3779B97F4A7C15L + 1;
        }

        byte next() {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            return (byte) x;
        }

        void fill(ByteBuffer b) {
            while (b.hasRemaining()) {
                b.put(next());
            }
        }
    }
}
