package io.uraid.perf.bench;

import io.uraid.perf.JobResult;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Medians over interleaved rounds, per target and direction: each figure's median is taken on
 * its own (the median IOPS and the median p99 may come from different rounds), as the brief
 * for side-by-side runs asks.
 */
public final class Summary {
    /** Figure names, in the order of {@link #figures}. */
    public static final String[] NAMES = {"IOPS", "MB/s", "p50", "p90", "p99", "p99.9", "max"};
    public static final int IOPS = 0;
    public static final int MBPS = 1;
    public static final int P50 = 2;
    public static final int P99 = 4;

    private Summary() {
    }

    /** IOPS, MB/s (10^6 B/s), then latency p50, p90, p99, p99.9 and max in microseconds. */
    public static double[] figures(JobResult r) {
        if (r.ios() == 0) {
            return new double[NAMES.length];
        }
        var h = r.latency();
        boolean hasHistogram = h.getTotalCount() > 0;
        return new double[] {r.iops(), r.bandwidth() / 1e6,
            hasHistogram ? h.getValueAtPercentile(50) / 1e3 : Double.NaN,
            hasHistogram ? h.getValueAtPercentile(90) / 1e3 : Double.NaN,
            hasHistogram ? h.getValueAtPercentile(99) / 1e3 : Double.NaN,
            hasHistogram ? h.getValueAtPercentile(99.9) / 1e3 : Double.NaN,
            hasHistogram ? h.getMaxValue() / 1e3 : Double.NaN};
    }

    /** Per-figure medians of one direction over the rounds. */
    public static double[] medians(List<RunResult> rounds, boolean write) {
        double[] out = new double[NAMES.length];
        for (int f = 0; f < NAMES.length; f++) {
            double[] v = new double[rounds.size()];
            for (int r = 0; r < v.length; r++) {
                RunResult rr = rounds.get(r);
                v[r] = figures(write ? rr.write() : rr.read())[f];
            }
            out[f] = median(v);
        }
        return out;
    }

    public static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** True when any round did I/O in that direction. */
    public static boolean active(List<RunResult> rounds, boolean write) {
        for (RunResult r : rounds) {
            if ((write ? r.write() : r.read()).ios() > 0) {
                return true;
            }
        }
        return false;
    }

    /** label → medians of the combined figure used for ratios: total IOPS and MB/s of both directions. */
    public static Map<String, double[]> totals(Map<String, List<RunResult>> byLabel) {
        Map<String, double[]> out = new LinkedHashMap<>();
        byLabel.forEach((label, rounds) -> {
            double[] iops = rounds.stream().mapToDouble(RunResult::iops).toArray();
            double[] bw = rounds.stream().mapToDouble(r -> r.bandwidth() / 1e6).toArray();
            out.put(label, new double[] {median(iops), median(bw)});
        });
        return out;
    }
}
