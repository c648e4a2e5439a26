package io.uraid.perf.bench;

import io.uraid.core.api.BlockTarget;
import io.uraid.perf.HumanReport;
import io.uraid.perf.JobResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one workload against one target: starts the producer threads, discards the ramp,
 * samples the latency recorders every interval (totals, IOPS timeline, interval log, progress
 * line), stops the jobs and gathers the result. With {@code --verify}, reads are checked as they
 * come back; a mixed workload writes the region first, a pure read checks what an earlier
 * verified write left; everything written is read back and checked at the end (unmeasured).
 */
public final class BenchRun {
    /**
     * Where the run reports besides its result.
     *
     * @param progress    live progress line (a terminal), or null for none
     * @param hlog        HdrHistogram interval log, or null
     * @param sampleNanos sampling interval of the timeline and the log
     */
    public record Sinks(PrintWriter progress, HistogramLogWriter hlog, long sampleNanos) {
        public static final Sinks NONE = new Sinks(null, null, 1_000_000_000L);
    }

    private final BlockTarget target;
    private final Workload w;
    private final Sinks sinks;
    private final String label;
    private final int round;
    private final BenchJob[] jobs;
    private final Histogram[][] recycled;
    private final Histogram readTotal = new Histogram(BenchJob.MAX_LATENCY, 3);
    private final Histogram writeTotal = new Histogram(BenchJob.MAX_LATENCY, 3);
    private final Histogram readInterval = new Histogram(BenchJob.MAX_LATENCY, 3);
    private final Histogram writeInterval = new Histogram(BenchJob.MAX_LATENCY, 3);
    private final List<double[]> timeline = new ArrayList<>();
    /** The jobs' raw latencies of the interval: one value per request completed. */
    private final Histogram readRequests = new Histogram(BenchJob.MAX_LATENCY, 3);
    private final Histogram writeRequests = new Histogram(BenchJob.MAX_LATENCY, 3);
    /** Requests completed in the measured intervals. */
    private long readsMeasured;
    private long writesMeasured;

    public BenchRun(String label, int round, BlockTarget target, Workload w, Sinks sinks) {
        this.label = label;
        this.round = round;
        this.target = target;
        this.w = w;
        this.sinks = sinks;
        long region = w.sizeBytes() > 0 ? Math.min(w.sizeBytes(), target.size()) : target.size();
        region = region / w.blockSize() * w.blockSize();
        if (w.blockSize() % target.blockSize() != 0) {
            throw new IllegalArgumentException("--bs " + w.blockSize() + " is not a multiple of the target's block size "
                    + target.blockSize());
        }
        int[] generations = null;
        if (w.verify()) {
            long blocks = region / w.blockSize();
            if (blocks > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("--verify supports at most " + Integer.MAX_VALUE / 2
                        + " blocks; use a smaller --size");
            }
            generations = new int[(int) blocks];
        }
        jobs = new BenchJob[w.numjobs()];
        recycled = new Histogram[w.numjobs()][2];
        try {
            for (int j = 0; j < jobs.length; j++) {
                jobs[j] = new BenchJob(target, w, region, j, generations);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs the workload and returns what it measured; frees the job buffers. */
    public RunResult run() throws InterruptedException {
        try {
            // A mixed workload reads what it has not written yet: write the region first. A pure
            // read checks what an earlier --verify write left (any generation), like fio's verify_only.
            if (w.verify() && w.readPercent() > 0 && w.readPercent() < 100) {
                String f = runPhase(BenchJob.PREFILL);
                if (f != null) {
                    return failed(f);
                }
            }
            AllocationMeter meter = new AllocationMeter();
            long measureStart = System.nanoTime();
            Thread[] threads = startJobs(BenchJob.MAIN);
            if (w.rampNanos() > 0) {
                // Everything completed during the ramp is dropped (it still counts toward --size).
                sleepUntil(measureStart + w.rampNanos(), measureStart, true);
                collect(false);
                measureStart = System.nanoTime();
            }
            meter.start();
            long[] legsAtStart = legs();
            long deadline = w.timeBased() ? measureStart + w.runtimeNanos() : Long.MAX_VALUE;
            long last = measureStart;
            while (true) {
                long next = Math.min(deadline, last + sinks.sampleNanos());
                sleepUntil(next, measureStart, false);
                long now = System.nanoTime();
                boolean end = now >= deadline || allFinished() || anyFailed();
                if (end) {
                    for (BenchJob j : jobs) {
                        j.stop = true;
                    }
                }
                sample(measureStart, last, now);
                last = now;
                if (end) {
                    break;
                }
            }
            long measureEnd = last;
            long gc = meter.gcCountSinceStart();
            long alloc = meter.allocatedBytes();
            long[] legsAtEnd = legs();
            join(threads);
            if (!w.timeBased()) {
                // Size based: the last completions after the final sample still count.
                collect(true);
                measureEnd = latestFinish();
            }
            if (sinks.progress() != null) {
                sinks.progress().print("\r\033[K");
                sinks.progress().flush();
            }
            String failure = firstFailure();
            long verified = 0;
            if (failure == null && w.verify() && w.readPercent() < 100) {
                failure = runPhase(BenchJob.CHECK);
            }
            for (BenchJob j : jobs) {
                verified += j.verified;
            }
            long elapsed = Math.max(1, measureEnd - measureStart);
            return new RunResult(label, round, result(readTotal, readsMeasured, elapsed),
                    result(writeTotal, writesMeasured, elapsed),
                    List.copyOf(timeline), gc, alloc, AllocationMeter.peakRss(), verified, failure,
                    legsAtStart[0] < 0 ? -1 : legsAtEnd[0] - legsAtStart[0], legsAtEnd[1] - legsAtStart[1]);
        } finally {
            close();
        }
    }

    private JobResult result(Histogram h, long ios, long elapsed) {
        return new JobResult(ios, ios * w.blockSize(), elapsed, h.copy());
    }

    /** An array target's {data legs, fixed legs} so far; {-1, -1} for other targets (no counts to report). */
    private long[] legs() {
        if (target instanceof io.uraid.core.array.RaidArray a) {
            return new long[] {a.dataLegs(), a.fixedLegs()};
        }
        return new long[] {-1, -1};
    }

    private RunResult failed(String failure) {
        Histogram empty = new Histogram(BenchJob.MAX_LATENCY, 3);
        JobResult none = new JobResult(0, 0, 0, empty);
        return new RunResult(label, round, none, none, List.of(), -1, -1, AllocationMeter.peakRss(), 0, failure);
    }

    /** Runs an unmeasured phase on every job and returns the first failure, or null. */
    private String runPhase(int phase) throws InterruptedException {
        join(startJobs(phase));
        return firstFailure();
    }

    private Thread[] startJobs(int phase) {
        Thread[] threads = new Thread[jobs.length];
        for (int j = 0; j < jobs.length; j++) {
            jobs[j].phase = phase;
            jobs[j].stop = false;
            jobs[j].finishedAt = 0;
            threads[j] = new Thread(jobs[j], "uraid-bench-" + label + "-" + j);
            threads[j].setDaemon(true);
            threads[j].start();
        }
        return threads;
    }

    private static void join(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    private void sleepUntil(long until, long since, boolean ramp) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            if (now >= until || allFinished() || anyFailed()) {
                return;
            }
            Thread.sleep(Math.max(1, Math.min(100, (until - now) / 1_000_000)));
            if (ramp && sinks.progress() != null) {
                sinks.progress().printf(Locale.ROOT, "\r\033[K%s: ramp %.1fs", label, (now - since) / 1e9);
                sinks.progress().flush();
            }
        }
    }

    /**
     * Moves every job's recorded latencies into the interval histograms (and the totals if
     * counted). The jobs record one value per request, which counts the requests; with --rate
     * the reported latencies are corrected here for coordinated omission (HdrHistogram adds the
     * values of the requests a late one held up), which adds values but no requests.
     */
    private void collect(boolean count) {
        readRequests.reset();
        writeRequests.reset();
        for (int j = 0; j < jobs.length; j++) {
            recycled[j][0] = jobs[j].readLatency.getIntervalHistogram(recycled[j][0]);
            recycled[j][1] = jobs[j].writeLatency.getIntervalHistogram(recycled[j][1]);
            readRequests.add(recycled[j][0]);
            writeRequests.add(recycled[j][1]);
        }
        latencies(readRequests, readInterval);
        latencies(writeRequests, writeInterval);
        if (count) {
            readTotal.add(readInterval);
            writeTotal.add(writeInterval);
            readsMeasured += readRequests.getTotalCount();
            writesMeasured += writeRequests.getTotalCount();
        }
    }

    /** {@code into} := the latencies to report for {@code requests}. */
    private void latencies(Histogram requests, Histogram into) {
        into.reset();
        long expected = jobs[0].intervalNanos;
        if (expected > 0) {
            into.addWhileCorrectingForCoordinatedOmission(requests, expected);
        } else {
            into.add(requests);
        }
    }

    /** "[=========>          ]" for {@code fraction} (0..1) of the round's time. */
    static String bar(double fraction) {
        int width = 20;
        int filled = (int) (Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "") + "]";
    }

    private void sample(long measureStart, long from, long to) {
        collect(true);
        double secs = Math.max(1e-9, (to - from) / 1e9);
        double t = (to - measureStart) / 1e9;
        double readIops = readRequests.getTotalCount() / secs;
        double writeIops = writeRequests.getTotalCount() / secs;
        timeline.add(new double[] {t, readIops, writeIops});
        HistogramLogWriter log = sinks.hlog();
        if (log != null) {
            double start = (from - measureStart) / 1e9;
            for (Histogram h : new Histogram[] {readInterval, writeInterval}) {
                if (h.getTotalCount() > 0) {
                    h.setTag(label + "-r" + round + (h == readInterval ? "-read" : "-write"));
                    log.outputIntervalHistogram(start, t, h, 1e3);
                }
            }
        }
        if (sinks.progress() != null) {
            double total = w.timeBased() ? w.runtimeNanos() / 1e9 : Double.NaN;
            sinks.progress().printf(Locale.ROOT, "\r\033[K%s: %s%5.1fs  IOPS=%s  %.1f MB/s%s", label,
                    Double.isNaN(total) ? "" : bar(t / total) + " ", t, HumanReport.count(readIops + writeIops),
                    (readIops + writeIops) * w.blockSize() / 1e6,
                    Double.isNaN(total) ? "" : String.format(Locale.ROOT, "  ETA %.0fs", Math.max(0, total - t)));
            sinks.progress().flush();
        }
    }

    private boolean allFinished() {
        for (BenchJob j : jobs) {
            if (j.finishedAt == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean anyFailed() {
        return firstFailure() != null;
    }

    private String firstFailure() {
        for (BenchJob j : jobs) {
            if (j.failure != null) {
                return j.failure;
            }
        }
        return null;
    }

    private long latestFinish() {
        long t = 0;
        for (BenchJob j : jobs) {
            t = Math.max(t, j.finishedAt);
        }
        return t;
    }

    private void close() {
        for (BenchJob j : jobs) {
            if (j != null) {
                j.close();
            }
        }
    }
}
