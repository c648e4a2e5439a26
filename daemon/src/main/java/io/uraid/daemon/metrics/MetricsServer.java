package io.uraid.daemon.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Serves {@code GET /metrics} with the Prometheus Java client's HTTP exporter: the arrays'
 * families ({@link Prometheus}) and the JVM's own (GC, memory pools, threads, buffer pools...),
 * from a registry of this server's own, so two daemons in one JVM (tests) do not mix.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    private final HTTPServer http;

    private MetricsServer(HTTPServer http) {
        this.http = http;
    }

    public static MetricsServer start(InetSocketAddress address, Supplier<List<Prometheus.ArrayView>> arrays)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Prometheus.register(registry, arrays);
        JvmMetrics.builder().register(registry);
        HTTPServer http;
        try {
            http = HTTPServer.builder().hostname(address.getHostString()).port(address.getPort()).registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("metrics on http://" + address.getHostString() + ":" + http.getPort() + "/metrics");
        return new MetricsServer(http);
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
