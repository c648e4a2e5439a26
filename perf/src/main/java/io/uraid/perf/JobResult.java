package io.uraid.perf;

import org.HdrHistogram.Histogram;

/**
 * What one direction (read or write) of a measured job did: counts, bytes, time and the
 * completion-latency histogram in nanoseconds.
 */
public final class JobResult {
    private final long ios;
    private final long bytes;
    private final long runtimeNanos;
    private final Histogram latencyNanos;

    public JobResult(long ios, long bytes, long runtimeNanos, Histogram latencyNanos) {
        this.ios = ios;
        this.bytes = bytes;
        this.runtimeNanos = runtimeNanos;
        this.latencyNanos = latencyNanos;
    }

    public long ios() {
        return ios;
    }

    public long bytes() {
        return bytes;
    }

    public long runtimeNanos() {
        return runtimeNanos;
    }

    public Histogram latency() {
        return latencyNanos;
    }

    public double iops() {
        return runtimeNanos == 0 ? 0 : ios * 1e9 / runtimeNanos;
    }

    /** Bytes per second. */
    public double bandwidth() {
        return runtimeNanos == 0 ? 0 : bytes * 1e9 / runtimeNanos;
    }

    /** Latency at a percentile (0..100) in nanoseconds. */
    public long percentile(double p) {
        return latencyNanos.getValueAtPercentile(p);
    }
}
