package io.uraid.io.tls;

import io.uraid.io.nativeio.OpenSsl;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * TLS by OpenSSL 3 on the socket's descriptor ({@link OpenSslChannel}): the handshake and the
 * record layer run in libssl, whose AES-GCM uses the CPU's vector AES and carry-less multiply
 * (several times the JDK 17 SSLEngine's bytes per core). OpenSSL rather than GnuTLS because its
 * non-blocking {@code SSL_read}/{@code SSL_write} on a descriptor have the simplest contract for
 * two threads sharing one connection under a lock, because it checks host names and IP
 * addresses itself ({@code SSL_set1_host}), and because it is where kernel TLS would come from.
 * Kernel TLS (SSL_OP_ENABLE_KTLS) is not enabled: it needs the kernel's {@code tls} module,
 * which the development host's kernel lacks, and an untested path is not shipped.
 *
 * <p>Same rules as {@link JdkTls}: TLS 1.2 or 1.3 (AES-128-GCM preferred by the server, as there),
 * the PEM files of the {@link TlsCertificates} directory, client certificates required when the
 * server verifies clients, the server's certificate checked against the CA and the host name on
 * clients that verify, renegotiation refused, no session tickets (NBD never resumes sessions).
 */
public final class OpenSslTls implements TlsProvider {
    public static final OpenSslTls INSTANCE = new OpenSslTls();
    /**
     * How far OpenSSL reads ahead of the record it decrypts: several records per system call.
     * Not more: OpenSSL 3.0 moves what remains in the buffer to its front before each record, so
     * the copying grows with the buffer (256 KiB: 8 bytes moved per byte received; 64 KiB measured
     * 12 % less daemon CPU per GiB than 256 KiB, and no worse than 32 KiB's extra system calls).
     */
    private static final int READ_AHEAD = 64 << 10;
    private static final String TLS13_SUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
    private static final String TLS12_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    private static final Cleaner CLEANER = Cleaner.create();

    private OpenSslTls() {
    }

    /** True when OpenSSL 3 can be loaded and sockets' descriptors found. */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable() && SocketFd.isAvailable();
    }

    /** Why not, or null. */
    public static String unavailabilityCause() {
        return !OpenSsl.isAvailable() ? OpenSsl.unavailabilityCause() : SocketFd.unavailabilityCause();
    }

    @Override
    public String name() {
        return "openssl";
    }

    @Override
    public String toString() {
        return isAvailable() ? OpenSsl.version().split(" ")[0] + " " + OpenSsl.version().split(" ")[1]
                + " (libssl.so.3)" : "OpenSSL (unavailable)";
    }

    @Override
    public Context context(TlsCertificates creds) throws IOException {
        long ctx = OpenSsl.newContext();
        if (ctx == 0) {
            throw new IOException("OpenSSL: cannot create a TLS context: " + OpenSsl.drainErrors());
        }
        try {
            configure(ctx, creds);
        } catch (IOException | RuntimeException e) {
            OpenSsl.freeContext(ctx);
            throw e;
        }
        Prepared p = new Prepared(ctx, creds.isServer(), creds.verifies());
        CLEANER.register(p, () -> OpenSsl.freeContext(ctx)); // live connections keep OpenSSL's own reference
        return p;
    }

    private static void configure(long ctx, TlsCertificates creds) throws IOException {
        OpenSsl.clearErrors();
        check(OpenSsl.setMinProtocol(ctx, OpenSsl.TLS1_2_VERSION), "TLS 1.2 as the minimum", null);
        long options = OpenSsl.SSL_OP_NO_RENEGOTIATION | OpenSsl.SSL_OP_IGNORE_UNEXPECTED_EOF | OpenSsl.SSL_OP_NO_TICKET;
        if (creds.isServer()) {
            options |= OpenSsl.SSL_OP_CIPHER_SERVER_PREFERENCE;
            OpenSsl.setNumTickets(ctx, 0);
        }
        OpenSsl.setOptions(ctx, options);
        // Partial writes: SSL_write returns after each record, so the caller's lock is let go
        // between records and a retry after WANT_WRITE needs no bookkeeping of ours.
        OpenSsl.setMode(ctx, OpenSsl.SSL_MODE_ENABLE_PARTIAL_WRITE | OpenSsl.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                | OpenSsl.SSL_MODE_AUTO_RETRY);
        OpenSsl.setReadAhead(ctx, READ_AHEAD);
        check(OpenSsl.setCipherSuites(ctx, TLS13_SUITES), "the TLS 1.3 cipher suites", null);
        check(OpenSsl.setCipherList(ctx, TLS12_CIPHERS), "the TLS 1.2 ciphers", null);
        Path cert = creds.certificateFile();
        if (cert != null) {
            check(OpenSsl.useCertificateChain(ctx, cert.toString()), "the certificate", cert);
            check(OpenSsl.usePrivateKey(ctx, creds.keyFile().toString()), "the private key", creds.keyFile());
            check(OpenSsl.checkPrivateKey(ctx), "the certificate and key (they do not go together)", creds.keyFile());
        }
        if (creds.verifies()) {
            Path ca = creds.caFile();
            if (ca != null) {
                check(OpenSsl.loadVerifyFile(ctx, ca.toString()), "the CA certificate", ca);
            } else {
                check(OpenSsl.loadDefaultVerifyPaths(ctx), "the system's CA certificates", null);
            }
            OpenSsl.setVerify(ctx, creds.isServer()
                    ? OpenSsl.SSL_VERIFY_PEER | OpenSsl.SSL_VERIFY_FAIL_IF_NO_PEER_CERT : OpenSsl.SSL_VERIFY_PEER);
        } else {
            OpenSsl.setVerify(ctx, OpenSsl.SSL_VERIFY_NONE);
        }
    }

    private static void check(int result, String what, Path file) throws IOException {
        if (result != 1) {
            String why = OpenSsl.drainErrors();
            throw new IOException((file != null ? file + ": " : "") + "OpenSSL cannot use " + what
                    + (why != null ? ": " + why : ""));
        }
    }

    /** An SSL_CTX made from the credentials, shared by the connections. */
    private static final class Prepared implements Context {
        private final long ctx;
        private final boolean server;
        private final boolean verify;

        Prepared(long ctx, boolean server, boolean verify) {
            this.ctx = ctx;
            this.server = server;
            this.verify = verify;
        }

        @Override
        public TlsTransport handshake(SocketChannel socket, String host, int port) throws IOException {
            return OpenSslChannel.handshake(ctx, socket, server, server ? null : host, verify);
        }
    }
}
