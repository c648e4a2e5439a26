package io.uraid.daemon.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Where a server listens: {@code unix:PATH} (the default kind) or {@code tcp:HOST:PORT}
 * ({@code tcp:PORT} means 127.0.0.1: TCP is only exposed beyond the host when asked).
 */
public record Endpoint(Path unixPath, InetSocketAddress tcp) {
    /** The IANA port of NBD. */
    public static final int NBD_PORT = io.uraid.io.nbd.NbdUri.NBD_PORT;

    public static Endpoint unix(Path path) {
        return new Endpoint(path, null);
    }

    /**
     * Parses {@code unix:PATH}, {@code tcp:HOST:PORT} or {@code tcp:PORT}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Endpoint parse(String spec) {
        if (spec.startsWith("unix:") && spec.length() > 5) {
            return unix(Path.of(spec.substring(5)));
        }
        if (spec.startsWith("tcp:")) {
            String rest = spec.substring(4);
            int colon = rest.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String port = colon < 0 ? rest : rest.substring(colon + 1);
            try {
                int p = Integer.parseInt(port);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return new Endpoint(null, new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in '" + spec + "' (expected tcp:HOST:PORT)");
            }
        }
        throw new IllegalArgumentException("bad listen address '" + spec + "' (expected unix:PATH or tcp:HOST:PORT)");
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    /** Opens a listening channel; a stale unix socket file left by a dead server is replaced. */
    ServerSocketChannel bind() throws IOException {
        if (isUnix()) {
            UnixSockets.removeStale(unixPath);
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(unixPath));
            return s;
        }
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(tcp, 256);
        return s;
    }

    /** Connects a blocking client channel (tests and tools). */
    public SocketChannel connect() throws IOException {
        SocketAddress a = isUnix() ? UnixDomainSocketAddress.of(unixPath) : tcp;
        return SocketChannel.open(a);
    }

    /** The NBD URI of {@code export} here, as libnbd tools, qemu and fio take it. */
    public String uri(String export) {
        if (isUnix()) {
            return "nbd+unix:///" + export + "?socket=" + unixPath.toAbsolutePath();
        }
        String host = tcp.getHostString().contains(":") ? "[" + tcp.getHostString() + "]" : tcp.getHostString();
        return "nbd://" + host + ":" + tcp.getPort() + "/" + export;
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + unixPath : "tcp:" + tcp.getHostString() + ":" + tcp.getPort();
    }
}
