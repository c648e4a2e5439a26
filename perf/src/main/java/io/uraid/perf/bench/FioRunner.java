package io.uraid.perf.bench;

import io.uraid.perf.JobResult;
import io.uraid.perf.MiniJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs the fio job equivalent to a {@link Workload} on the raw members (one job over all the
 * files, {@code numjobs} × {@code iodepth} in flight, io_uring, O_DIRECT) and reads its
 * {@code --output-format=json+} report. The latency histogram is rebuilt from fio's own
 * clat bins, so fio's figures go through the same percentile code as ours.
 */
public final class FioRunner {
    private FioRunner() {
    }

    /** Null when fio can run here, else why not. */
    public static String unavailabilityCause() {
        try {
            Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "fio --version failed";
        } catch (IOException e) {
            return "fio is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The fio command line for the workload on {@code files}, each used from {@code offset}
     * for {@code lengthPerFile} bytes.
     */
    public static List<String> command(Workload w, List<Path> files, long offset, long lengthPerFile) {
        List<String> cmd = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (Path f : files) {
            names.append(names.length() == 0 ? "" : ":").append(f.toString().replace(":", "\\:"));
        }
        long region = w.sizeBytes() > 0 ? Math.min(w.sizeBytes(), lengthPerFile * files.size())
                : lengthPerFile * files.size();
        cmd.add("fio");
        cmd.add("--name=fio");
        cmd.add("--filename=" + names);
        cmd.add("--ioengine=io_uring");
        cmd.add("--direct=1");
        cmd.add("--rw=" + w.mode().fioName());
        if (w.mode() == RwMode.RANDRW) {
            cmd.add("--rwmixread=" + w.rwmixread());
        }
        cmd.add("--bs=" + w.blockSize());
        cmd.add("--iodepth=" + w.iodepth());
        cmd.add("--numjobs=" + w.numjobs());
        cmd.add("--offset=" + offset);
        cmd.add("--size=" + region / w.blockSize() * w.blockSize());
        cmd.add("--norandommap");
        cmd.add("--randrepeat=0");
        cmd.add("--randseed=" + w.seed());
        cmd.add("--group_reporting");
        if (w.timeBased()) {
            cmd.add("--time_based");
            cmd.add(String.format(java.util.Locale.ROOT, "--runtime=%dms", w.runtimeNanos() / 1_000_000));
        }
        if (w.rampNanos() > 0) {
            cmd.add(String.format(java.util.Locale.ROOT, "--ramp_time=%dms", w.rampNanos() / 1_000_000));
        }
        if (w.rateIops() > 0) {
            cmd.add("--rate_iops=" + Math.max(1, w.rateIops() / w.numjobs()));
        }
        cmd.add("--output-format=json+");
        return cmd;
    }

    /** Runs fio and returns its figures as a round of the comparison. */
    public static RunResult run(Workload w, List<Path> files, long offset, long lengthPerFile, int round)
            throws IOException, InterruptedException {
        List<String> cmd = command(w, files, offset, lengthPerFile);
        Path err = Files.createTempFile("uraid-fio", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            long limit = (w.runtimeNanos() + w.rampNanos()) / 1_000_000_000L + 120;
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("fio did not finish within " + limit + " s");
            }
            if (p.exitValue() != 0) {
                String why = Files.readString(err).strip().lines().findFirst().orElse("no message");
                throw new IOException("fio failed (exit " + p.exitValue() + "): " + why);
            }
            return parse(new String(out, StandardCharsets.UTF_8), round);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Reads fio's json(+) report: the first job (group reporting) becomes one round. */
    public static RunResult parse(String json, int round) {
        Object root = MiniJson.parse(json);
        Object job = MiniJson.at(root, "jobs", 0);
        if (job == null) {
            throw new IllegalArgumentException("fio output has no jobs[0]");
        }
        String error = MiniJson.num(job, "error") != 0 ? "fio job error " + (long) MiniJson.num(job, "error") : null;
        return new RunResult("fio", round, direction(job, "read"), direction(job, "write"), List.of(), -1, -1, -1, 0,
                error);
    }

    private static JobResult direction(Object job, String dir) {
        long ios = (long) MiniJson.num(job, dir, "total_ios");
        long bytes = (long) MiniJson.num(job, dir, "io_bytes");
        long runtimeNanos = (long) (MiniJson.num(job, dir, "runtime") * 1_000_000L);
        Histogram h = new Histogram(BenchJob.MAX_LATENCY, 3);
        Object bins = MiniJson.at(job, dir, "clat_ns", "bins");
        if (bins instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                long value = Long.parseLong(String.valueOf(e.getKey()));
                long count = ((Number) e.getValue()).longValue();
                if (count > 0) {
                    h.recordValueWithCount(Math.max(1, Math.min(value, BenchJob.MAX_LATENCY)), count);
                }
            }
        }
        return new JobResult(ios, bytes, runtimeNanos, h);
    }
}
