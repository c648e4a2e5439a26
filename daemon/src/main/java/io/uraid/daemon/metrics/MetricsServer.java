package io.uraid.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** Serves {@code GET /metrics} in the Prometheus text format (JDK's built-in HTTP server). */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    private final HttpServer http;

    private MetricsServer(HttpServer http) {
        this.http = http;
    }

    public static MetricsServer start(InetSocketAddress address, Supplier<List<Prometheus.ArrayView>> arrays)
            throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
        http.createContext("/metrics", ex -> answer(ex, arrays));
        http.createContext("/", ex -> {
            byte[] body = "uraid metrics: see /metrics\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/") ? 200 : 404, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        LOG.info("metrics on http://" + address.getHostString() + ":" + http.getAddress().getPort() + "/metrics");
        return new MetricsServer(http);
    }

    private static void answer(HttpExchange ex, Supplier<List<Prometheus.ArrayView>> arrays) throws IOException {
        byte[] body = Prometheus.render(arrays.get()).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
