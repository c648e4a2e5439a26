package io.uraid.perf.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uraid.perf.FioJson;
import io.uraid.perf.HumanReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human table and the fio-style JSON of a bench (one or more targets, one or more rounds). */
public final class BenchReport {
    private BenchReport() {
    }

    /** The table of medians, the ratios to the baseline and fio, and the software's cost. */
    public static String table(String title, Map<String, List<RunResult>> byLabel) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(String.format(Locale.ROOT, "%-7s %-5s %6s %10s %9s %9s %9s %9s %9s %9s%n", "target", "dir", "rounds",
                "IOPS", "MB/s", "p50(us)", "p90(us)", "p99(us)", "p99.9(us)", "max(us)"));
        byLabel.forEach((label, rounds) -> {
            for (boolean write : new boolean[] {false, true}) {
                if (!Summary.active(rounds, write)) {
                    continue;
                }
                double[] m = Summary.medians(rounds, write);
                sb.append(String.format(Locale.ROOT, "%-7s %-5s %6d %10s %9.1f %9s %9s %9s %9s %9s%n", label,
                        write ? "write" : "read", rounds.size(), HumanReport.count(m[0]), m[1], us(m[2]), us(m[3]),
                        us(m[4]), us(m[5]), us(m[6])));
            }
        });
        Map<String, double[]> totals = Summary.totals(byLabel);
        double[] array = totals.get("array");
        for (String base : new String[] {"raw", "fio"}) {
            double[] b = totals.get(base);
            if (array != null && b != null && b[0] > 0) {
                sb.append(String.format(Locale.ROOT, "array / %s: IOPS %.3f, MB/s %.3f (medians)%n", base,
                        array[0] / b[0], array[1] / b[1]));
            }
        }
        for (var e : byLabel.entrySet()) {
            RunResult worst = null;
            long gc = 0;
            long alloc = 0;
            long ios = 0;
            for (RunResult r : e.getValue()) {
                if (r.gcCount() >= 0) {
                    gc += r.gcCount();
                    alloc += r.allocatedBytes();
                    ios += r.totalIos();
                    worst = worst == null || r.peakRss() > worst.peakRss() ? r : worst;
                }
            }
            if (worst != null) {
                sb.append(String.format(Locale.ROOT,
                        "%s cost: %d GC, %s allocated on I/O threads (%.3f B/request), peak RSS %d MB%n", e.getKey(),
                        gc, HumanReport.bytes(alloc), ios == 0 ? 0.0 : (double) alloc / ios,
                        worst.peakRss() >> 20));
            }
            long dataLegs = 0;
            long fixedLegs = 0;
            for (RunResult r : e.getValue()) {
                if (r.dataLegs() > 0) {
                    dataLegs += r.dataLegs();
                    fixedLegs += r.fixedLegs();
                }
            }
            if (dataLegs > 0) {
                sb.append(String.format(Locale.ROOT, "%s member legs on registered buffers: %d of %d (%.1f %%)%n",
                        e.getKey(), fixedLegs, dataLegs, 100.0 * fixedLegs / dataLegs));
            }
            for (RunResult r : e.getValue()) {
                if (r.verifiedBlocks() > 0) {
                    sb.append(String.format(Locale.ROOT, "%s round %d: %d reads verified%n", r.label(), r.round(),
                            r.verifiedBlocks()));
                }
            }
        }
        return sb.toString();
    }

    private static String us(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * fio-style JSON: one job per target and round in the order they ran ({@code jobname}
     * "raw.r1", "array.r1"...), with fio's field names, plus a {@code "uraid"} object with
     * medians, ratios and the software's cost.
     */
    public static String json(Workload w, Map<String, List<RunResult>> byLabel) {
        List<ObjectNode> jobs = new ArrayList<>();
        int most = byLabel.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < most; i++) { // in the order they ran: raw.r1, array.r1, raw.r2...
            for (var e : byLabel.entrySet()) {
                if (i < e.getValue().size()) {
                    RunResult r = e.getValue().get(i);
                    ObjectNode options = FioJson.options("rw", w.mode().fioName(), "bs", w.blockSize(), "iodepth",
                            w.iodepth(), "numjobs", w.numjobs(), "rwmixread", w.rwmixread());
                    jobs.add(FioJson.job(e.getKey() + ".r" + r.round(), options, r.read(), r.write()));
                }
            }
        }
        ObjectNode extra = FioJson.MAPPER.createObjectNode();
        ObjectNode medians = extra.putObject("medians");
        Map<String, double[]> t = Summary.totals(byLabel);
        t.forEach((label, m) -> medians.putObject(label).put("iops", m[0]).put("bw_bytes", m[1] * 1e6));
        ObjectNode ratios = extra.putObject("ratios");
        for (String base : new String[] {"raw", "fio"}) {
            if (t.containsKey("array") && t.containsKey(base) && t.get(base)[0] > 0) {
                ratios.put("array/" + base, t.get("array")[0] / t.get(base)[0]);
            }
        }
        ObjectNode cost = extra.putObject("cost");
        for (var e : byLabel.entrySet()) {
            long gc = 0;
            long alloc = 0;
            long rss = -1;
            for (RunResult r : e.getValue()) {
                gc += Math.max(0, r.gcCount());
                alloc += Math.max(0, r.allocatedBytes());
                rss = Math.max(rss, r.peakRss());
            }
            cost.putObject(e.getKey()).put("gc", gc).put("allocated_bytes", alloc).put("peak_rss_bytes", rss);
        }
        return FioJson.text(FioJson.documentWith(extra, jobs.toArray(new ObjectNode[0])));
    }
}
