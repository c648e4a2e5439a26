package io.uraid.io.tls;

import io.uraid.io.nativeio.OpenSsl;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Which {@link TlsProvider} connections use: OpenSSL when it can be loaded (it does the record
 * layer at several times the JDK 17 SSLEngine's speed per core), the JDK's otherwise. The
 * system property {@code uraid.tls} ({@code openssl} or {@code jdk}) forces one, for tests and
 * for comparing them; forcing OpenSSL where it cannot be loaded is an error, not a silent
 * fallback. The choice is logged once, as {@code IoEngines} logs the I/O engine.
 */
public final class TlsProviders {
    private static final Logger LOG = Logger.getLogger(TlsProviders.class.getName());
    public static final String PROPERTY = "uraid.tls";
    private static volatile boolean logged;

    private TlsProviders() {
    }

    /** The provider by name ("openssl", "jdk"). */
    public static TlsProvider named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "openssl":
                if (!OpenSslTls.isAvailable()) {
                    throw new IllegalStateException("TLS by OpenSSL is not available here: "
                            + OpenSslTls.unavailabilityCause());
                }
                return OpenSslTls.INSTANCE;
            case "jdk":
                return JdkTls.INSTANCE;
            default:
                throw new IllegalArgumentException("bad -D" + PROPERTY + "=" + name + " (openssl or jdk)");
        }
    }

    /** The provider new credentials use: as {@code -Duraid.tls} says, else the best one here. */
    public static TlsProvider preferred() {
        String forced = System.getProperty(PROPERTY);
        TlsProvider p;
        String why;
        if (forced != null && !forced.isBlank()) {
            p = named(forced.trim());
            why = "forced by -D" + PROPERTY;
        } else if (OpenSslTls.isAvailable()) {
            p = OpenSslTls.INSTANCE;
            why = "preferred";
        } else {
            p = JdkTls.INSTANCE;
            why = "OpenSSL 3 unavailable: " + OpenSslTls.unavailabilityCause();
        }
        if (!logged) {
            logged = true;
            LOG.info("TLS: " + p + " (" + why + ")");
        }
        return p;
    }

    /** Both providers when OpenSSL is available here, else the JDK's alone (for tests that run with each). */
    public static java.util.List<TlsProvider> availableHere() {
        return OpenSsl.isAvailable() && OpenSslTls.isAvailable()
                ? java.util.List.of(OpenSslTls.INSTANCE, JdkTls.INSTANCE) : java.util.List.of(JdkTls.INSTANCE);
    }
}
