package io.uraid.io.tls;

import java.nio.channels.SocketChannel;
import java.io.IOException;

/**
 * TLS by the JDK's {@code SSLEngine} ({@link TlsChannel}): always there, the fallback when
 * OpenSSL cannot be loaded. Costs more CPU per byte than OpenSSL (JDK 17's AES-GCM).
 */
public final class JdkTls implements TlsProvider {
    public static final JdkTls INSTANCE = new JdkTls();

    private JdkTls() {
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public Context context(TlsCertificates credentials) {
        return (SocketChannel socket, String host, int port) -> TlsChannel.handshake(socket,
                credentials.isServer() ? credentials.serverEngine() : credentials.clientEngine(host, port));
    }

    @Override
    public String toString() {
        return "the JDK's SSLEngine";
    }
}
