package io.uraid.io.tls;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * X.509 credentials from a directory laid out as nbdkit and qemu expect it
 * ({@code --tls-certificates DIR}, qemu's {@code tls-creds-x509 dir=}): {@code ca-cert.pem}
 * (the authority both sides trust), {@code server-cert.pem} and {@code server-key.pem} on the
 * server, {@code client-cert.pem} and {@code client-key.pem} on a client whose server verifies
 * clients. The files are read and checked by the JDK (one-line errors naming the file), then
 * made ready for the {@link TlsProvider} that will run the connections ({@link #handshake}).
 */
public final class TlsCertificates {
    public static final String CA_CERT = "ca-cert.pem";
    public static final String SERVER_CERT = "server-cert.pem";
    public static final String SERVER_KEY = "server-key.pem";
    public static final String CLIENT_CERT = "client-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";
    private static final char[] NO_PASSWORD = new char[0];

    private final SSLContext context;
    private final boolean server;
    private final boolean verify;
    private final Path certificate;
    private final Path key;
    private final Path ca;
    private TlsProvider provider;
    private TlsProvider.Context prepared;

    private TlsCertificates(SSLContext context, boolean server, boolean verify, Path certificate, Path key, Path ca) {
        this.context = context;
        this.server = server;
        this.verify = verify;
        this.certificate = certificate;
        this.key = key;
        this.ca = ca;
    }

    /** Makes the credentials ready for {@code p} (the files were read and checked by the JDK already). */
    private TlsCertificates with(TlsProvider p) throws IOException {
        provider = p;
        prepared = p.context(this);
        return this;
    }

    /**
     * Runs the TLS handshake on {@code socket} with the provider these credentials were made
     * for: the server's side for server credentials, the client's (checking the certificate
     * against {@code host} when verifying) for client ones.
     */
    public TlsTransport handshake(SocketChannel socket, String host, int port) throws IOException {
        return prepared.handshake(socket, host, port);
    }

    /** The TLS implementation connections made with these credentials use. */
    public TlsProvider provider() {
        return provider;
    }

    /** True for a server's credentials. */
    public boolean isServer() {
        return server;
    }

    /** Server: clients must present a certificate the CA signed. Client: the server's certificate is checked. */
    public boolean verifies() {
        return verify;
    }

    /** Our certificate chain (PEM), or null (a client without one). */
    public Path certificateFile() {
        return certificate;
    }

    /** Our private key (PEM), or null. */
    public Path keyFile() {
        return key;
    }

    /** The CA certificate peers are checked against, or null (not verifying; a client: the system's CAs). */
    public Path caFile() {
        return ca;
    }

    /**
     * The server's credentials from {@code dir}.
     *
     * @param verifyClients require a client certificate signed by {@code ca-cert.pem}
     * @throws IOException naming the file that is missing or unreadable
     */
    public static TlsCertificates server(Path dir, boolean verifyClients) throws IOException {
        return server(dir, verifyClients, TlsProviders.preferred());
    }

    /** As {@link #server(Path, boolean)}, connections made by {@code provider}. */
    public static TlsCertificates server(Path dir, boolean verifyClients, TlsProvider provider) throws IOException {
        PrivateKey key = PemFiles.privateKey(need(dir, SERVER_KEY));
        List<X509Certificate> chain = PemFiles.certificates(need(dir, SERVER_CERT));
        TrustManager[] trust = null;
        if (verifyClients) {
            trust = trustManagers(PemFiles.certificates(need(dir, CA_CERT)));
        }
        return new TlsCertificates(context(keyManagers(key, chain), trust), true, verifyClients,
                dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY), verifyClients ? dir.resolve(CA_CERT) : null)
                .with(provider);
    }

    /**
     * A client's credentials: the CA of {@code dir} ({@code null}: the JDK's default trust
     * store), and the client certificate when the directory has one.
     *
     * @param verifyPeer false to accept any server certificate (libnbd's tls-verify-peer=false)
     */
    public static TlsCertificates client(Path dir, boolean verifyPeer) throws IOException {
        return client(dir, verifyPeer, TlsProviders.preferred());
    }

    /** As {@link #client(Path, boolean)}, connections made by {@code provider}. */
    public static TlsCertificates client(Path dir, boolean verifyPeer, TlsProvider provider) throws IOException {
        javax.net.ssl.KeyManager[] keys = null;
        TrustManager[] trust = null;
        Path certificate = null;
        Path key = null;
        Path ca = null;
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + ": TLS certificates directory not found");
            }
            Path cert = dir.resolve(CLIENT_CERT);
            if (Files.exists(cert)) {
                keys = keyManagers(PemFiles.privateKey(need(dir, CLIENT_KEY)), PemFiles.certificates(cert));
                certificate = cert;
                key = dir.resolve(CLIENT_KEY);
            }
            if (verifyPeer) {
                trust = trustManagers(PemFiles.certificates(need(dir, CA_CERT)));
                ca = dir.resolve(CA_CERT);
            }
        }
        if (!verifyPeer) {
            trust = new TrustManager[] {new TrustAll()};
        }
        return new TlsCertificates(context(keys, trust), false, verifyPeer, certificate, key, ca).with(provider);
    }

    /** A server-side engine for one connection. */
    public SSLEngine serverEngine() {
        if (!server) {
            throw new IllegalStateException("client credentials");
        }
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        if (verify) {
            e.setNeedClientAuth(true);
        }
        preferAes128(e);
        return e;
    }

    /**
     * A client-side engine for one connection to {@code host} (null for a unix socket: no host
     * name to check). With verification on, the server's certificate must name the host
     * (DNS or IP subject alternative name), as libnbd checks it.
     */
    public SSLEngine clientEngine(String host, int port) {
        if (server) {
            throw new IllegalStateException("server credentials");
        }
        SSLEngine e = host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
        e.setUseClientMode(true);
        if (verify && host != null) {
            SSLParameters p = e.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            e.setSSLParameters(p);
        }
        return e;
    }

    /**
     * The server picks the suite: AES-128-GCM first (TLS 1.3's mandatory one; ten AES rounds
     * instead of AES-256's fourteen, which shows on bulk data), the JDK's other defaults after.
     */
    private static void preferAes128(SSLEngine e) {
        java.util.List<String> suites = new java.util.ArrayList<>(java.util.List.of(e.getEnabledCipherSuites()));
        for (String preferred : new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"}) {
            if (suites.remove(preferred)) {
                suites.add(0, preferred);
            }
        }
        SSLParameters p = e.getSSLParameters();
        p.setCipherSuites(suites.toArray(new String[0]));
        p.setUseCipherSuitesOrder(true);
        e.setSSLParameters(p);
    }

    private static Path need(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.isReadable(p)) {
            throw new IOException(p + ": " + (Files.exists(p) ? "cannot be read" : "missing")
                    + " (TLS certificates directory " + dir + ")");
        }
        return p;
    }

    private static javax.net.ssl.KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
            throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(ks, NO_PASSWORD);
            return f.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("the certificate and key do not go together: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(ks);
            return f.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA certificate: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(javax.net.ssl.KeyManager[] keys, TrustManager[] trust) throws IOException {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, trust, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** tls-verify-peer=false: any server certificate is accepted (encryption without authentication). */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
