package io.uraid.perf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Results with fio's JSON field names and units, so tools that read
 * {@code fio --output-format=json} read ours: {@code jobs[].read|write.iops}, {@code bw} in KiB/s,
 * {@code bw_bytes} in B/s, {@code io_bytes}, {@code runtime} in ms, {@code total_ios},
 * {@code clat_ns}/{@code lat_ns} with {@code percentile} keys printed like fio ("99.000000").
 * Built and read with Jackson's tree model.
 */
public final class FioJson {
    /** fio's default percentile list. */
    static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};
    /** Shared, thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private FioJson() {
    }

    /** One job; {@code read} or {@code write} may be null (reported as zeroes); {@code options} fio's "job options". */
    public static ObjectNode job(String name, ObjectNode options, JobResult read, JobResult write) {
        ObjectNode job = MAPPER.createObjectNode();
        job.put("jobname", name).put("groupid", 0).put("error", 0);
        job.set("job options", options == null ? MAPPER.createObjectNode() : options);
        job.set("read", direction(read));
        job.set("write", direction(write));
        return job;
    }

    /** fio's "job options" object: every value a string, as fio writes them. */
    public static ObjectNode options(Object... keyValues) {
        ObjectNode o = MAPPER.createObjectNode();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            o.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        return o;
    }

    /** A whole fio-style document around jobs. */
    public static ObjectNode document(ObjectNode... jobs) {
        return documentWith(null, jobs);
    }

    /** A document with an extra top-level {@code "uraid"} object (or null). */
    public static ObjectNode documentWith(ObjectNode uraid, ObjectNode... jobs) {
        ObjectNode doc = MAPPER.createObjectNode();
        long now = System.currentTimeMillis();
        doc.put("fio version", "uraid").put("timestamp", now / 1000).put("timestamp_ms", now);
        if (uraid != null) {
            doc.set("uraid", uraid);
        }
        var list = doc.putArray("jobs");
        for (ObjectNode j : jobs) {
            list.add(j);
        }
        return doc;
    }

    /** The document as text, pretty-printed as fio does. */
    public static String text(JsonNode doc) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /**
     * Parses a JSON report; text before the first '{' (fio prints warnings there) is skipped.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static JsonNode parse(String text) {
        int start = text.indexOf('{');
        if (start < 0) {
            throw new IllegalArgumentException("no JSON object in the report");
        }
        try {
            return MAPPER.readTree(text.substring(start));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode direction(JobResult r) {
        long ios = r == null ? 0 : r.ios();
        long bytes = r == null ? 0 : r.bytes();
        double bw = r == null ? 0 : r.bandwidth();
        ObjectNode d = MAPPER.createObjectNode();
        d.put("io_bytes", bytes).put("io_kbytes", bytes / 1024).put("bw_bytes", (long) bw).put("bw", (long) (bw / 1024))
                .put("iops", r == null ? 0.0 : r.iops()).put("runtime", r == null ? 0 : r.runtimeNanos() / 1_000_000)
                .put("total_ios", ios).put("short_ios", 0).put("drop_ios", 0);
        d.set("clat_ns", latency(r == null ? null : r.latency()));
        d.set("lat_ns", latency(r == null ? null : r.latency()));
        return d;
    }

    private static ObjectNode latency(Histogram h) {
        ObjectNode l = MAPPER.createObjectNode();
        if (h == null || h.getTotalCount() == 0) {
            return l.put("min", 0).put("max", 0).put("mean", 0.0).put("stddev", 0.0).put("N", 0);
        }
        l.put("min", h.getMinValue()).put("max", h.getMaxValue()).put("mean", h.getMean())
                .put("stddev", h.getStdDeviation()).put("N", h.getTotalCount());
        ObjectNode p = l.putObject("percentile");
        for (double pct : PERCENTILES) {
            p.put(String.format(Locale.ROOT, "%f", pct), h.getValueAtPercentile(pct));
        }
        return l;
    }
}
