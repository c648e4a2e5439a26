package io.uraid.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.testing.TestArrays;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint, scraped over HTTP as Prometheus does: md's families under
 * node_exporter's names, uraid's member counters, and the JVM's own families beside them.
 */
class MetricsServerTest {
    @Test
    void mdFamiliesAndJvmFamiliesAreServedTogether() throws Exception {
        try (TestArrays t = new TestArrays("metrics", 2, 8L << 20)) {
            t.create("mir", "raid1");
            try (OpenArray open = t.assemble()) {
                open.array().fail(1);
                var view = new Prometheus.ArrayView("mir", open.array(), open.redundancy().syncStatus(), 0, 3, null);
                try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                        () -> List.of(view))) {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + server.port() + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    String text = r.body();
                    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                            r.headers().map().toString());
                    assertSample(text, "node_md_state{device=\"mir\",state=\"active\"}", 1);
                    assertSample(text, "node_md_state{device=\"mir\",state=\"recovering\"}", 0);
                    assertSample(text, "node_md_disks{device=\"mir\",state=\"active\"}", 1);
                    assertSample(text, "node_md_disks{device=\"mir\",state=\"failed\"}", 1);
                    assertSample(text, "node_md_degraded{device=\"mir\"}", 1);
                    assertSample(text, "uraid_nbd_connections{device=\"mir\"}", 3);
                    assertTrue(text.contains("# TYPE uraid_member_read_time_seconds_total counter"), text);
                    assertTrue(text.contains("# TYPE uraid_member_reads_completed_total counter"), text);
                    assertTrue(text.contains("uraid_member_up{device=\"mir\",member=\"" + t.members.get(0)
                            + "\",role=\"0\"} 1"), text);
                    for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_current",
                        "jvm_gc_collection_seconds", "jvm_buffer_pool_used_bytes"}) {
                        assertTrue(text.contains("# TYPE " + jvm), jvm + " missing: " + text);
                    }
                }
            }
        }
    }

    private static void assertSample(String text, String series, double value) {
        var m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(text);
        assertTrue(m.find(), series + " missing: " + text);
        assertEquals(value, Double.parseDouble(m.group(1)), 0.0, series);
    }
}
