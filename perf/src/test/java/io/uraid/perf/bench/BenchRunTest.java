package io.uraid.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.internal.UnsafeAccess;
import org.junit.jupiter.api.Test;

/** The runner's bookkeeping against a memory target (no devices): counts, sizes, verify. */
class BenchRunTest {
    private static final int BS = 4096;

    @Test
    void sizeBasedWriteDoesExactlyTheRequestedBytesAndVerifiesThemAfterwards() throws Exception {
        try (MemoryTarget t = new MemoryTarget(256 * BS)) {
            Workload w = new Workload(RwMode.WRITE, 0, BS, 8, 2, 0, 256L * BS, 0, 1, true, 0);
            RunResult r = new BenchRun("mem", 1, t, w, BenchRun.Sinks.NONE).run();
            assertNull(r.failure());
            assertEquals(256, r.write().ios(), "each of the 256 blocks written once");
            assertEquals(256L * BS, r.write().bytes());
            assertEquals(0, r.read().ios());
            assertEquals(256, r.verifiedBlocks(), "every written block read back and checked");
            assertEquals(256, r.write().latency().getTotalCount());
        }
    }

    @Test
    void randrwVerifiesInlineAndReportsBothDirections() throws Exception {
        try (MemoryTarget t = new MemoryTarget(512 * BS)) {
            Workload w = new Workload(RwMode.RANDRW, 70, BS, 16, 2, 200_000_000L, 0, 0, 3, true, 0);
            RunResult r = new BenchRun("mem", 1, t, w, BenchRun.Sinks.NONE).run();
            assertNull(r.failure());
            double share = r.read().ios() / (double) r.totalIos();
            assertEquals(0.70, share, 0.05, "read share");
            assertTrue(r.verifiedBlocks() >= r.read().ios(), "every measured read was checked");
            assertEquals(2, w.numjobs());
        }
    }

    @Test
    void aCorruptedBlockFailsTheRunNamingItsOffset() throws Exception {
        try (MemoryTarget t = new MemoryTarget(64 * BS)) {
            Workload write = new Workload(RwMode.WRITE, 0, BS, 4, 1, 0, 64L * BS, 0, 1, true, 0);
            assertNull(new BenchRun("mem", 1, t, write, BenchRun.Sinks.NONE).run().failure());
            long victim = 37L * BS;
            UnsafeAccess.putByte(t.memory.address() + victim + 2000, (byte) 0x5a);
            UnsafeAccess.putByte(t.memory.address() + victim + 2001, (byte) 0xa5);
            Workload read = write.withMode(RwMode.READ);
            RunResult r = new BenchRun("mem", 1, t, read, BenchRun.Sinks.NONE).run();
            assertNotNull(r.failure(), "corruption must fail the run");
            assertTrue(r.failure().contains("offset " + victim), r.failure());
        }
    }

    @Test
    void inlineIssueKeepsTheCountsRightEvenWhenTheTargetCompletesSynchronously() throws Exception {
        try (MemoryTarget t = new MemoryTarget(256 * BS)) {
            Workload w = new Workload(RwMode.RANDRW, 50, BS, 8, 2, 0, 2048L * BS, 0, 1, false, 0, true);
            RunResult r = new BenchRun("mem", 1, t, w, BenchRun.Sinks.NONE).run();
            assertNull(r.failure());
            assertEquals(2048, r.totalIos(), "exactly --size worth of requests");
            assertEquals(t.reads, r.read().ios());
            assertEquals(t.writes, r.write().ios());
        }
    }

    /**
     * A size-based run held to a rate, so it lasts at least 0.6 s however fast the host, sampled
     * every 50 ms: it counts exactly the reads the target served, and the interval log holds
     * every latency the run recorded (each read once, plus the values HdrHistogram adds for reads
     * issued late, when a loaded host falls behind the rate), one interval per sample that saw
     * reads (a starved sampler makes fewer, longer intervals, not a wrong sum).
     */
    @Test
    void theIntervalLogHoldsEveryMeasuredRequest() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        RunResult r;
        long served;
        try (MemoryTarget t = new MemoryTarget(1024 * BS);
             java.io.PrintStream ps = new java.io.PrintStream(bytes, true)) {
            org.HdrHistogram.HistogramLogWriter log = new org.HdrHistogram.HistogramLogWriter(ps);
            log.outputLogFormatVersion();
            log.outputLegend();
            Workload w = new Workload(RwMode.RANDREAD, 0, BS, 4, 1, 0, 600L * BS, 0, 1, false, 1000);
            r = new BenchRun("mem", 1, t, w, new BenchRun.Sinks(null, log, 50_000_000L)).run();
            served = t.reads;
        }
        assertNull(r.failure());
        assertEquals(600, served, "exactly --size worth of reads");
        assertEquals(served, r.read().ios(), "the run counts the reads served, not the latencies recorded");
        var reader = new org.HdrHistogram.HistogramLogReader(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        long total = 0;
        int intervals = 0;
        org.HdrHistogram.EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            assertEquals("mem-r1-read", h.getTag());
            total += ((org.HdrHistogram.Histogram) h).getTotalCount();
            intervals++;
        }
        assertEquals(r.read().latency().getTotalCount(), total, "the log's intervals add up to the run's latencies");
        assertTrue(total >= served, "every read's latency is in the log: " + total);
        long samplesWithReads = r.timeline().stream().filter(x -> x[1] > 0).count();
        assertEquals(samplesWithReads, intervals, "one logged interval per sample that saw reads");
        assertTrue(intervals >= 2, "0.6 s or more sampled every 50 ms is cut into intervals: " + intervals);
    }

    /**
     * Every read takes 3 ms while the rate asks for one each millisecond: HdrHistogram records
     * each latency with the values a late request hides (coordinated omission), so the latency
     * histogram holds more values than there were reads. The run must still count 200 reads,
     * as the target served them.
     */
    @Test
    void aRateLimitedRunCountsTheReadsServedNotTheLatenciesRecorded() throws Exception {
        try (MemoryTarget t = new MemoryTarget(256 * BS).slowReads(3)) {
            Workload w = new Workload(RwMode.RANDREAD, 0, BS, 4, 1, 0, 200L * BS, 0, 1, false, 1000);
            RunResult r = new BenchRun("slow", 1, t, w, BenchRun.Sinks.NONE).run();
            assertNull(r.failure());
            assertEquals(200, t.reads);
            assertTrue(r.read().latency().getTotalCount() > 200, "corrected values were recorded: "
                    + r.read().latency().getTotalCount());
            assertEquals(200, r.read().ios(), "reads counted");
            assertEquals(200L * BS, r.read().bytes());
        }
    }

    /**
     * The open loop never runs ahead of --rate: 500 requests at 2000 IOPS take at least the
     * 0.25 s their schedule spans (a memory target alone would serve them in milliseconds);
     * a slow host can only make the run longer, which this does not judge.
     */
    @Test
    void openLoopHoldsTheRate() throws Exception {
        try (MemoryTarget t = new MemoryTarget(512 * BS)) {
            Workload w = new Workload(RwMode.RANDREAD, 0, BS, 4, 1, 0, 500L * BS, 0, 1, false, 2000);
            RunResult r = new BenchRun("mem", 1, t, w, BenchRun.Sinks.NONE).run();
            assertNull(r.failure());
            assertEquals(500, r.read().ios());
            assertTrue(r.read().runtimeNanos() >= 499 * 500_000L, "request k is not issued before k / rate: "
                    + r.read().runtimeNanos() + " ns");
        }
    }
}
