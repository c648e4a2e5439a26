package io.uraid.io.nbd;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An NBD URI as libnbd, qemu and nbdkit write them (NetworkBlockDevice/nbd {@code doc/uri.md}):
 * {@code nbd://HOST[:PORT]/EXPORT}, {@code nbds://...} (TLS required),
 * {@code nbd+unix:///EXPORT?socket=PATH} and {@code nbds+unix://...}. Query parameters: libnbd's
 * {@code socket}, {@code tls-certificates=DIR} and {@code tls-verify-peer=false}, and uraid's
 * {@code connections=N} (at most; used only where the server allows multi-conn),
 * {@code timeout=SECONDS} (a request unanswered this long fails the connection: a remote member
 * that stops answering fails instead of hanging the array) and {@code reconnect=SECONDS} (a
 * member whose connection broke is tried again this often and re-added by the daemon once its
 * server answers; without it, {@code uraid add} re-adds it).
 *
 * @param tls             TLS is required (the {@code nbds} schemes)
 * @param host            TCP host, or null for a unix socket
 * @param port            TCP port
 * @param socket          unix socket path, or null for TCP
 * @param export          export name (may be empty: the server's default export)
 * @param tlsCertificates directory with ca-cert.pem (and client-cert.pem, client-key.pem), or null
 * @param verifyPeer      verify the server's certificate (and host name) against the CA
 * @param connections     most connections to open, 0 for the default
 * @param timeoutSeconds  request timeout, 0 for the default
 * @param reconnectSeconds how often the daemon tries a broken member again, 0 for never
 */
public record NbdUri(boolean tls, String host, int port, Path socket, String export, Path tlsCertificates,
                     boolean verifyPeer, int connections, int timeoutSeconds, int reconnectSeconds) {

    /** The IANA port of NBD. */
    public static final int NBD_PORT = 10809;
    /** Connections opened when the server allows several and the URI does not say. */
    public static final int DEFAULT_CONNECTIONS = 4;
    /** Seconds a request may stay unanswered (the kernel nbd client's default is 30 too). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    /** True when {@code text} starts like an NBD URI (so it is not a file name). */
    public static boolean looksLikeUri(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.startsWith("nbd://") || t.startsWith("nbds://") || t.startsWith("nbd+unix://")
                || t.startsWith("nbds+unix://");
    }

    /**
     * Parses an NBD URI.
     *
     * @throws IllegalArgumentException with a one-line reason naming the URI
     */
    public static NbdUri parse(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw bad(text, e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.startsWith("nbds");
        boolean unix = scheme.endsWith("+unix");
        if (!scheme.equals("nbd") && !scheme.equals("nbds") && !scheme.equals("nbd+unix")
                && !scheme.equals("nbds+unix")) {
            throw bad(text, "the scheme must be nbd, nbds, nbd+unix or nbds+unix");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String export = path.isEmpty() ? "" : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
        Path socket = null;
        Path certificates = null;
        boolean verify = true;
        int connections = 0;
        int timeout = 0;
        int reconnect = 0;
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (key) {
                    case "socket" -> socket = Path.of(value);
                    case "tls-certificates" -> certificates = Path.of(value);
                    case "tls-verify-peer" -> verify = !value.equalsIgnoreCase("false") && !value.equals("0");
                    case "connections" -> connections = positive(text, key, value, 64);
                    case "timeout" -> timeout = positive(text, key, value, 86_400);
                    case "reconnect" -> reconnect = positive(text, key, value, 86_400);
                    default -> throw bad(text, "unknown parameter '" + key + "' (uraid knows socket, "
                            + "tls-certificates, tls-verify-peer, connections, timeout and reconnect)");
                }
            }
        }
        if (unix) {
            if (socket == null) {
                throw bad(text, "a unix URI needs ?socket=PATH");
            }
            if (u.getRawAuthority() != null) {
                throw bad(text, "a unix URI has no host (nbd+unix:///EXPORT?socket=PATH)");
            }
            return new NbdUri(tls, null, 0, socket, export, certificates, verify, connections, timeout, reconnect);
        }
        if (socket != null) {
            throw bad(text, "socket= belongs to nbd+unix:// URIs");
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(text, "no host (nbd://HOST[:PORT]/EXPORT)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? NBD_PORT : u.getPort();
        return new NbdUri(tls, host.toLowerCase(Locale.ROOT), port, null, export, certificates, verify, connections,
                timeout, reconnect);
    }

    private static int positive(String text, String key, String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(text, key + "=" + value + " must be a whole number from 1 to " + max);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad NBD URI '" + text + "': " + why);
    }

    public boolean isUnix() {
        return socket != null;
    }

    /** The request timeout in milliseconds. */
    public long timeoutMillis() {
        return 1000L * (timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS);
    }

    /** Connections to open when the server allows several. */
    public int connectionsWanted() {
        return connections > 0 ? connections : DEFAULT_CONNECTIONS;
    }

    /** Where the server is, for messages and claims: the URI without its tuning parameters. */
    public String address() {
        String name = encode(export);
        if (isUnix()) {
            return (tls ? "nbds+unix" : "nbd+unix") + ":///" + name + "?socket=" + socket;
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "nbds" : "nbd") + "://" + h + (port == NBD_PORT ? "" : ":" + port) + "/" + name;
    }

    /** The canonical URI: scheme and host in lower case, the default port left out, parameters in a fixed order. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(address());
        char sep = isUnix() ? '&' : '?';
        if (tlsCertificates != null) {
            b.append(sep).append("tls-certificates=").append(tlsCertificates);
            sep = '&';
        }
        if (!verifyPeer) {
            b.append(sep).append("tls-verify-peer=false");
            sep = '&';
        }
        if (connections > 0) {
            b.append(sep).append("connections=").append(connections);
            sep = '&';
        }
        if (timeoutSeconds > 0) {
            b.append(sep).append("timeout=").append(timeoutSeconds);
            sep = '&';
        }
        if (reconnectSeconds > 0) {
            b.append(sep).append("reconnect=").append(reconnectSeconds);
        }
        return b.toString();
    }

    /** Percent-encodes what cannot stand in a URI path (export names are usually plain words). */
    private static String encode(String export) {
        StringBuilder b = new StringBuilder();
        for (byte c : export.getBytes(StandardCharsets.UTF_8)) {
            int ch = c & 0xff;
            if (ch > 0x20 && ch < 0x7f && "%?#&\"<>\\^`{|}[] ".indexOf(ch) < 0) {
                b.append((char) ch);
            } else {
                b.append('%').append(String.format("%02X", ch));
            }
        }
        return b.toString();
    }
}
