package io.uraid.daemon.nbd;

import io.uraid.io.tls.JdkTls;
import io.uraid.io.tls.TlsProvider;

/** {@link NbdServerTlsTest} with the server's TLS done by the JDK's SSLEngine (the fallback). */
class NbdServerJdkTlsTest extends NbdServerTlsTest {
    @Override
    TlsProvider provider() {
        return JdkTls.INSTANCE;
    }
}
