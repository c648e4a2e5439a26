package io.uraid.perf;

import java.util.Locale;

/** Human-readable lines for results, in fio's units (IOPS, MiB/s, microseconds). */
public final class HumanReport {
    private HumanReport() {
    }

    /** "read: IOPS=123k, BW=482MiB/s (506MB/s), 4.7GiB in 10.0s". */
    public static String throughput(String direction, JobResult r) {
        return String.format(Locale.ROOT, "%5s: IOPS=%s, BW=%.1fMiB/s (%.1fMB/s), %s in %.1fs",
                direction, count(r.iops()), r.bandwidth() / (1 << 20), r.bandwidth() / 1e6,
                bytes(r.bytes()), r.runtimeNanos() / 1e9);
    }

    /** "clat (usec): p50=12.3 p90=... p99=... p99.9=... max=...". */
    public static String latency(JobResult r) {
        var h = r.latency();
        return String.format(Locale.ROOT, "       clat (usec): p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    public static String count(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2fGiB", b / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1fMiB", b / (double) (1L << 20));
    }
}
