package io.uraid.perf.bench;

import io.uraid.perf.JobResult;
import java.util.List;

/**
 * One measured run of one target.
 *
 * @param label          the target's name in reports ("array", "raw", "fio")
 * @param round          1-based round number in an interleaved comparison
 * @param read           reads done in the measured interval (never null; may be empty)
 * @param write          writes done in the measured interval (never null; may be empty)
 * @param timeline       one entry per sample: {seconds since measuring started, read IOPS, write IOPS}
 * @param gcCount        garbage collections during the measured interval (-1: not measured)
 * @param allocatedBytes bytes allocated by the I/O threads during it (-1: not measured)
 * @param peakRss        process peak RSS after the run in bytes (-1: unknown)
 * @param verifiedBlocks reads checked by --verify
 * @param failure        why the run failed (verify mismatch, I/O error), or null
 * @param dataLegs       member reads and writes an array issued for the measured requests (-1: not an array)
 * @param fixedLegs      of those, legs on registered buffers (READ_FIXED/WRITE_FIXED)
 */
public record RunResult(String label, int round, JobResult read, JobResult write, List<double[]> timeline,
                        long gcCount, long allocatedBytes, long peakRss, long verifiedBlocks, String failure,
                        long dataLegs, long fixedLegs) {

    /** A run of a target that is not an array (no leg counts). */
    public RunResult(String label, int round, JobResult read, JobResult write, List<double[]> timeline,
                     long gcCount, long allocatedBytes, long peakRss, long verifiedBlocks, String failure) {
        this(label, round, read, write, timeline, gcCount, allocatedBytes, peakRss, verifiedBlocks, failure, -1, -1);
    }

    public long totalIos() {
        return read.ios() + write.ios();
    }

    public double iops() {
        return read.iops() + write.iops();
    }

    public double bandwidth() {
        return read.bandwidth() + write.bandwidth();
    }

    /** The direction with the most requests (for latency figures of a single-number report). */
    public JobResult main() {
        return read.ios() >= write.ios() ? read : write;
    }
}
