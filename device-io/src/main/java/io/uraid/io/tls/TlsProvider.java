package io.uraid.io.tls;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * One implementation of TLS: the JDK's {@code SSLEngine} ({@link JdkTls}), or OpenSSL on the
 * socket's descriptor ({@link OpenSslTls}). {@link TlsProviders} picks one. Both follow the
 * same rules: TLS 1.2 or 1.3, the X.509 files of a {@link TlsCertificates} directory, client
 * certificates required when the server verifies clients, and on the client the server's
 * certificate checked against the CA and the host name when verification is on.
 */
public interface TlsProvider {
    /** Short name for logs and {@code -Duraid.tls=NAME}: "openssl" or "jdk". */
    String name();

    /**
     * Credentials made ready for this implementation (files read and checked once, shared by
     * all connections).
     *
     * @throws IOException naming the file or the reason when the credentials cannot be used
     */
    Context context(TlsCertificates credentials) throws IOException;

    /** Prepared credentials: makes connections. */
    interface Context {
        /**
         * Runs the handshake on {@code socket} (blocking; the server's or the client's side as
         * the credentials are) and returns the secured connection. On failure the socket is left
         * open for the caller to close.
         *
         * @param host the server's name or address the client checks the certificate against
         *             (null: no host name check, e.g. a unix socket); ignored by servers
         * @param port the server's port (the JDK uses host and port for session caching)
         * @throws javax.net.ssl.SSLException naming the cause when the peer is refused or refuses us
         */
        TlsTransport handshake(SocketChannel socket, String host, int port) throws IOException;
    }
}
