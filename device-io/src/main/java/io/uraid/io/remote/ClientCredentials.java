package io.uraid.io.remote;

import io.uraid.io.nbd.NbdUri;
import io.uraid.io.tls.TlsCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS credentials a remote member connects with: the URI's {@code tls-certificates=DIR};
 * else libnbd's system directory {@code /etc/pki/libnbd} when it exists; else the JDK's trust
 * store (server certificates from a public CA). A {@code client-cert.pem} in the directory is
 * presented to servers that verify clients.
 */
final class ClientCredentials {
    static final Path SYSTEM_DIR = Path.of("/etc/pki/libnbd");

    private ClientCredentials() {
    }

    /** The credentials for {@code uri}, or null when it does not use TLS. */
    static TlsCertificates of(NbdUri uri) throws IOException {
        if (!uri.tls()) {
            return null;
        }
        Path dir = uri.tlsCertificates();
        if (dir == null && Files.isDirectory(SYSTEM_DIR)) {
            dir = SYSTEM_DIR;
        }
        try {
            return TlsCertificates.client(dir, uri.verifyPeer());
        } catch (IOException e) {
            throw new IOException(uri.address() + ": " + e.getMessage(), e);
        }
    }
}
