package io.uraid.perf;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Writes results with fio's JSON field names and units, so tools that read
 * {@code fio --output-format=json} read ours: {@code jobs[].read|write.iops}, {@code bw} in KiB/s,
 * {@code bw_bytes} in B/s, {@code io_bytes}, {@code runtime} in ms, {@code total_ios},
 * {@code clat_ns}/{@code lat_ns} with {@code percentile} keys printed like fio ("99.000000").
 */
public final class FioJson {
    /** fio's default percentile list. */
    static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private FioJson() {
    }

    /** One job as a JSON object; {@code read} or {@code write} may be null (reported as zeroes). */
    public static String job(String name, String options, JobResult read, JobResult write) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("{\"jobname\":").append(quote(name)).append(",\"groupid\":0,\"error\":0");
        sb.append(",\"job options\":").append(options == null ? "{}" : options);
        sb.append(",\"read\":");
        direction(sb, read);
        sb.append(",\"write\":");
        direction(sb, write);
        sb.append('}');
        return sb.toString();
    }

    /** A whole fio-style document around already rendered job objects. */
    public static String document(String... jobs) {
        return documentWith(null, jobs);
    }

    /** A document with an extra top-level {@code "uraid"} object (already rendered JSON, or null). */
    public static String documentWith(String uraid, String... jobs) {
        StringBuilder sb = new StringBuilder();
        long now = System.currentTimeMillis();
        sb.append("{\"fio version\":\"uraid\",\"timestamp\":").append(now / 1000)
                .append(",\"timestamp_ms\":").append(now);
        if (uraid != null) {
            sb.append(",\"uraid\":").append(uraid);
        }
        sb.append(",\"jobs\":[");
        for (int i = 0; i < jobs.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(jobs[i]);
        }
        return sb.append("]}").toString();
    }

    private static void direction(StringBuilder sb, JobResult r) {
        long ios = r == null ? 0 : r.ios();
        long bytes = r == null ? 0 : r.bytes();
        double bw = r == null ? 0 : r.bandwidth();
        double iops = r == null ? 0 : r.iops();
        long runtimeMs = r == null ? 0 : r.runtimeNanos() / 1_000_000;
        sb.append("{\"io_bytes\":").append(bytes)
                .append(",\"io_kbytes\":").append(bytes / 1024)
                .append(",\"bw_bytes\":").append((long) bw)
                .append(",\"bw\":").append((long) (bw / 1024))
                .append(",\"iops\":").append(num(iops))
                .append(",\"runtime\":").append(runtimeMs)
                .append(",\"total_ios\":").append(ios)
                .append(",\"short_ios\":0,\"drop_ios\":0");
        sb.append(",\"clat_ns\":");
        latency(sb, r == null ? null : r.latency());
        sb.append(",\"lat_ns\":");
        latency(sb, r == null ? null : r.latency());
        sb.append('}');
    }

    private static void latency(StringBuilder sb, Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            sb.append("{\"min\":0,\"max\":0,\"mean\":0.0,\"stddev\":0.0,\"N\":0}");
            return;
        }
        sb.append("{\"min\":").append(h.getMinValue())
                .append(",\"max\":").append(h.getMaxValue())
                .append(",\"mean\":").append(num(h.getMean()))
                .append(",\"stddev\":").append(num(h.getStdDeviation()))
                .append(",\"N\":").append(h.getTotalCount())
                .append(",\"percentile\":{");
        for (int i = 0; i < PERCENTILES.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(String.format(Locale.ROOT, "%f", PERCENTILES[i])).append("\":")
                    .append(h.getValueAtPercentile(PERCENTILES[i]));
        }
        sb.append("}}");
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
