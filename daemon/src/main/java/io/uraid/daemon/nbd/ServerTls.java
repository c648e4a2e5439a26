package io.uraid.daemon.nbd;

import io.uraid.io.tls.TlsCertificates;
import io.uraid.io.tls.TlsProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The NBD server's TLS policy, as nbdkit's {@code --tls=off|on|require}: {@code off} refuses
 * STARTTLS, {@code on} offers it, {@code require} answers every option but STARTTLS and ABORT
 * with NBD_REP_ERR_TLS_REQD until the client has switched to TLS. The policy governs TCP
 * listeners; a unix socket (local, guarded by its file mode) offers TLS whenever certificates
 * are loaded but never requires it.
 *
 * @param mode         the policy
 * @param certificates the server's credentials (null with {@code off})
 */
public record ServerTls(Mode mode, TlsCertificates certificates) {
    /** No TLS at all. */
    public static final ServerTls OFF = new ServerTls(Mode.OFF, null);

    /** nbdkit's --tls values. */
    public enum Mode {
        OFF, ON, REQUIRE;

        /** Parses off|on|require (nbdkit also takes no|yes). */
        public static Mode parse(String text) {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "off":
                case "no":
                    return OFF;
                case "on":
                case "yes":
                    return ON;
                case "require":
                    return REQUIRE;
                default:
                    throw new IllegalArgumentException("bad --tls '" + text + "' (off, on or require)");
            }
        }
    }

    public ServerTls {
        if (mode != Mode.OFF && certificates == null) {
            throw new IllegalArgumentException("--tls=" + mode.name().toLowerCase(Locale.ROOT)
                    + " needs --tls-certificates DIR");
        }
    }

    /**
     * Loads the credentials of {@code dir} ({@code server-cert.pem}, {@code server-key.pem}, and
     * {@code ca-cert.pem} when clients are verified) for {@code mode}.
     */
    public static ServerTls load(Mode mode, Path dir, boolean verifyClients) throws IOException {
        return load(mode, dir, verifyClients, null);
    }

    /** As {@link #load(Mode, Path, boolean)}, with TLS done by {@code provider} (null: the preferred one). */
    public static ServerTls load(Mode mode, Path dir, boolean verifyClients, TlsProvider provider) throws IOException {
        if (mode == Mode.OFF) {
            return OFF;
        }
        if (dir == null) {
            throw new IllegalArgumentException("--tls=" + mode.name().toLowerCase(Locale.ROOT)
                    + " needs --tls-certificates DIR");
        }
        return new ServerTls(mode, provider == null ? TlsCertificates.server(dir, verifyClients)
                : TlsCertificates.server(dir, verifyClients, provider));
    }

    /** The policy for a connection that came in on {@code endpoint}. */
    ServerTls forEndpoint(Endpoint endpoint) {
        return endpoint.isUnix() && mode == Mode.REQUIRE ? new ServerTls(Mode.ON, certificates) : this;
    }

    boolean offered() {
        return mode != Mode.OFF;
    }

    boolean required() {
        return mode == Mode.REQUIRE;
    }
}
