package io.uraid.perf.bench;

import io.uraid.perf.JobResult;
import com.fasterxml.jackson.databind.JsonNode;
import io.uraid.perf.FioJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        JsonNode job = FioJson.parse(json).path("jobs").path(0);
        if (!job.isObject()) {
            throw new IllegalArgumentException("fio output has no jobs[0]");
        }
        long code = job.path("error").asLong();
        String error = code != 0 ? "fio job error " + code : null;
        return new RunResult("fio", round, direction(job.path("read")), direction(job.path("write")), List.of(), -1,
                -1, -1, 0, error);
    }

    private static JobResult direction(JsonNode dir) {
        long ios = dir.path("total_ios").asLong();
        long bytes = dir.path("io_bytes").asLong();
        long runtimeNanos = (long) (dir.path("runtime").asDouble() * 1_000_000L);
        Histogram h = new Histogram(BenchJob.MAX_LATENCY, 3);
        var bins = dir.path("clat_ns").path("bins").fields();
        while (bins.hasNext()) {
            var e = bins.next();
            long value = Long.parseLong(e.getKey());
            long count = e.getValue().asLong();
            if (count > 0) {
                h.recordValueWithCount(Math.max(1, Math.min(value, BenchJob.MAX_LATENCY)), count);
            }
        }
        return new JobResult(ios, bytes, runtimeNanos, h);
    }
}
