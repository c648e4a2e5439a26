package io.uraid.io.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link TlsTransport} contract as NBD connections use it, for each {@link TlsProvider} this
 * machine has (OpenSSL and the JDK's), and for each against the other (the two ends of a
 * connection need not run the same library): both ends read and write at the same time from two
 * threads, in writes of every size (gathering, as replies go out) and reads into buffers large and
 * small, and every byte arrives in order. A client that does not trust the server, or that the
 * server does not trust, or that reaches it by a name its certificate does not carry, gets no
 * connection and a one-line reason. A peer that stops or hangs up in the middle of a record does
 * not leave a reader blocked for good.
 */
class TlsTransportTest {
    private static final long BYTES = 16L << 20;
    @TempDir
    Path dir;

    /** Server provider, client provider. */
    static List<TlsProvider[]> pairs() {
        List<TlsProvider[]> pairs = new ArrayList<>();
        for (TlsProvider s : TlsProviders.availableHere()) {
            for (TlsProvider c : TlsProviders.availableHere()) {
                pairs.add(new TlsProvider[] {s, c});
            }
        }
        return pairs;
    }

    static List<TlsProvider> providers() {
        return TlsProviders.availableHere();
    }

    private record Pair(TlsTransport server, TlsTransport client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
            client.close();
        }
    }

    private static Pair connect(TlsCertificates serverCreds, TlsCertificates clientCreds) throws Exception {
        return connect(serverCreds, clientCreds, "localhost");
    }

    private static Pair connect(TlsCertificates serverCreds, TlsCertificates clientCreds, String host) throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel c = SocketChannel.open(ss.getLocalAddress());
            SocketChannel s = ss.accept();
            CompletableFuture<TlsTransport> server = CompletableFuture.supplyAsync(() -> {
                try {
                    return serverCreds.handshake(s, null, 0);
                } catch (IOException e) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TlsTransport client;
            try {
                client = clientCreds.handshake(c, host, 10809);
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

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("pairs")
    void bothDirectionsAtOnceDeliverEveryByteInOrder(TlsProvider serverSide, TlsProvider clientSide) throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Pair p = connect(TlsCertificates.server(pki, true, serverSide), TlsCertificates.client(pki, true, clientSide))) {
            assertEquals(serverSide.name(), p.server().provider());
            assertEquals(clientSide.name(), p.client().provider());
            assertTrue(p.client().protocol().startsWith("TLSv1."), p.client().protocol());
            assertEquals(p.server().protocol(), p.client().protocol());
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

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("pairs")
    void untrustedPeersGetNoConnectionAndAOneLineReason(TlsProvider serverSide, TlsProvider clientSide)
            throws Exception {
        Path pki = TestPki.create(dir.resolve("a"), TestPki.KeyFormat.PKCS8_RSA);
        Path other = TestPki.create(dir.resolve("b"), TestPki.KeyFormat.PKCS8_RSA);
        SSLException wrongCa = assertThrows(SSLException.class, () -> connect(TlsCertificates.server(pki, false,
                serverSide), TlsCertificates.client(other, true, clientSide)).close(),
                "the client does not trust the server's CA");
        assertOneLineNaming(wrongCa, "cert");
        SSLException wrongName = assertThrows(SSLException.class, () -> connect(TlsCertificates.server(pki, false,
                serverSide), TlsCertificates.client(pki, true, clientSide), "uraid.invalid").close(),
                "the server's certificate does not name the host the client asked for");
        assertOneLineNaming(wrongName, clientSide == JdkTls.INSTANCE ? "uraid.invalid" : "hostname mismatch");
        try (Pair p = connect(TlsCertificates.server(pki, false, serverSide),
                TlsCertificates.client(other, false, clientSide), "uraid.invalid")) {
            assertTrue(p.client().isOpen(), "tls-verify-peer=false: any certificate, any name");
        }
        assertThrows(IOException.class, () -> {
            try (Pair p = connect(TlsCertificates.server(pki, true, serverSide),
                    TlsCertificates.client(other, false, clientSide))) {
                // TLS 1.3: the client learns of the refusal on its first read
                p.client().write(ByteBuffer.wrap(new byte[1]));
                if (p.client().read(ByteBuffer.allocate(1)) < 0) {
                    throw new IOException("closed");
                }
            }
        }, "the server does not trust the client's certificate");
    }

    private static void assertOneLineNaming(Exception e, String cause) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.toLowerCase(Locale.ROOT).contains(cause), "names the cause (" + cause + "): " + m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aPeerThatHangsUpMidRecordEndsTheReadInsteadOfHangingIt(TlsProvider provider) throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        try (Pair p = connect(TlsCertificates.server(pki, false, provider), TlsCertificates.client(pki, true,
                JdkTls.INSTANCE))) {
            tearRecord(p.client().socket());
            p.client().socket().shutdownOutput();
            CompletableFuture<Integer> read = readAsync(p.server());
            int r = read.get(30, TimeUnit.SECONDS);
            assertTrue(r < 0, "the read ended (-1 or an error), it returned " + r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void closingFromAnotherThreadWakesAReaderBlockedMidRecord(TlsProvider provider) throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        try (Pair p = connect(TlsCertificates.server(pki, false, provider), TlsCertificates.client(pki, true,
                JdkTls.INSTANCE))) {
            tearRecord(p.client().socket()); // and then nothing: the peer stalls, socket open
            CompletableFuture<Integer> read = readAsync(p.server());
            Thread.sleep(300);
            assertFalse(read.isDone(), "nothing to read yet: the read waits");
            p.server().close();
            int r = read.get(10, TimeUnit.SECONDS);
            assertTrue(r < 0, "the read ended when the channel was closed, it returned " + r);
            CompletableFuture<Integer> end = CompletableFuture.supplyAsync(() -> readToEnd(p.client().socket()));
            assertEquals(-1, end.get(10, TimeUnit.SECONDS), "the peer sees the connection end");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aReaderWaitingLongerThanAPollTimeoutSleepsInsteadOfSpinning(TlsProvider provider) throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        try (Pair p = connect(TlsCertificates.server(pki, false, provider), TlsCertificates.client(pki, true,
                JdkTls.INSTANCE))) {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] cpu = new long[1];
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < 2; i++) { // the second wait starts after a timed-out poll, as the first did
                        p.server().read(ByteBuffer.allocateDirect(16));
                    }
                } catch (IOException e) {
                    // the test's end
                }
                cpu[0] = mx.getCurrentThreadCpuTime();
            });
            reader.start();
            Thread.sleep(2500); // more than two of OpenSslChannel's poll timeouts
            p.client().write(ByteBuffer.wrap(new byte[1]));
            Thread.sleep(1500);
            p.client().write(ByteBuffer.wrap(new byte[1]));
            reader.join(10_000);
            assertTrue(cpu[0] < 400_000_000L, "the reader slept while it waited: " + cpu[0] / 1_000_000 + " ms of CPU");
        }
    }

    @Test
    void openSslMovesBulkDataWithoutAllocatingPerCall() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(OpenSslTls.isAvailable(), "OpenSSL 3 is not available here");
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
        try (Pair p = connect(TlsCertificates.server(pki, false, OpenSslTls.INSTANCE),
                TlsCertificates.client(pki, true, OpenSslTls.INSTANCE))) {
            int rounds = 400;
            int payload = 256 << 10;
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                ByteBuffer header = ByteBuffer.allocateDirect(16);
                ByteBuffer data = ByteBuffer.allocateDirect(payload);
                ByteBuffer[] both = {header, data};
                try {
                    long before = 0;
                    for (int i = 0; i < rounds; i++) {
                        if (i == rounds / 4) {
                            before = allocated(); // after the warm-up (the JIT and jnr-ffi's first calls)
                        }
                        header.clear();
                        data.clear();
                        p.server().write(both);
                    }
                    return allocated() - before;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer in = ByteBuffer.allocateDirect(payload + 16);
            long total = (long) rounds * (payload + 16);
            long got = 0;
            long before = 0;
            while (got < total) {
                if (before == 0 && got > total / 4) {
                    before = allocated();
                }
                in.clear();
                int n = p.client().read(in);
                assertTrue(n > 0, "data until the end");
                got += n;
            }
            long readerBytes = allocated() - before;
            long writerBytes = writer.get(60, TimeUnit.SECONDS);
            assertTrue(readerBytes < 16 << 10, "the reader allocated " + readerBytes + " bytes for 75 MB");
            assertTrue(writerBytes < 16 << 10, "the writer allocated " + writerBytes + " bytes for 75 MB");
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /** Writes, under TLS, an application-data record header announcing 1000 bytes, and 10 of them. */
    private static void tearRecord(SocketChannel raw) throws IOException {
        raw.write(ByteBuffer.allocate(15).put(new byte[] {23, 3, 3, 0x03, (byte) 0xe8}).put(new byte[10]).flip());
    }

    /** One read of up to 1 MiB in another thread: its result, or -2 when it threw. */
    private static CompletableFuture<Integer> readAsync(TlsTransport t) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return t.read(ByteBuffer.allocateDirect(1 << 20));
            } catch (IOException e) {
                return -2;
            }
        });
    }

    /** Reads raw bytes until the end of the stream: -1 once it comes (close_notify may come first). */
    private static int readToEnd(SocketChannel s) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (true) {
                b.clear();
                if (s.read(b) < 0) {
                    return -1;
                }
            }
        } catch (IOException e) {
            return -1; // reset: ended too
        }
    }

    /** Writes BYTES of a seeded stream in gathering writes of 1 byte to 1 MiB. */
    private static Void send(TlsTransport ch, long seed) throws IOException {
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
    private static long receive(TlsTransport ch, long seed) throws IOException {
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
