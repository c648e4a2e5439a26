package io.uraid.perf.bench;

/**
 * One bench job description, as fio would take it.
 *
 * @param mode          the I/O pattern
 * @param rwmixread     percentage of reads for {@link RwMode#RANDRW}
 * @param blockSize     bytes per request
 * @param iodepth       requests each job keeps in flight
 * @param numjobs       producer threads
 * @param runtimeNanos  measured time (time based); 0 = run until {@code sizeBytes} are done
 * @param sizeBytes     region of the target used from offset 0 (0 = all of it); without a
 *                      runtime also the total bytes to transfer, split over the jobs
 * @param rampNanos     unmeasured warm-up before the measured interval
 * @param seed          seed of the offset and mix generators (same seed, same sequence)
 * @param verify        write verifiable blocks and check every read (see {@link VerifyBlock})
 * @param rateIops      open loop: issue at this total rate (0 = closed loop, as fast as possible)
 * @param inline        completion driven: the target's completion thread issues each job's next
 *                      request itself, as fio's single thread does, instead of handing the slot
 *                      back to the producer thread (closed loop without --verify only; targets
 *                      whose completions come from one thread, as arrays and the raw target)
 */
public record Workload(RwMode mode, int rwmixread, int blockSize, int iodepth, int numjobs, long runtimeNanos,
                       long sizeBytes, long rampNanos, long seed, boolean verify, long rateIops, boolean inline) {

    /** A producer-thread workload (not inline). */
    public Workload(RwMode mode, int rwmixread, int blockSize, int iodepth, int numjobs, long runtimeNanos,
                    long sizeBytes, long rampNanos, long seed, boolean verify, long rateIops) {
        this(mode, rwmixread, blockSize, iodepth, numjobs, runtimeNanos, sizeBytes, rampNanos, seed, verify, rateIops,
                false);
    }

    public Workload {
        if (rwmixread < 0 || rwmixread > 100) {
            throw new IllegalArgumentException("--rwmixread must be 0..100: " + rwmixread);
        }
        if (blockSize <= 0 || blockSize % 512 != 0) {
            throw new IllegalArgumentException("--bs must be a positive multiple of 512: " + blockSize);
        }
        if (iodepth < 1 || iodepth > 1024) {
            throw new IllegalArgumentException("--iodepth must be 1..1024: " + iodepth);
        }
        if (numjobs < 1 || numjobs > 64) {
            throw new IllegalArgumentException("--numjobs must be 1..64: " + numjobs);
        }
        if (runtimeNanos < 0 || rampNanos < 0 || sizeBytes < 0 || rateIops < 0) {
            throw new IllegalArgumentException("--runtime, --ramp, --size and --rate must not be negative");
        }
        if (runtimeNanos == 0 && sizeBytes == 0) {
            throw new IllegalArgumentException("give --runtime or --size");
        }
        if (inline && (verify || rateIops > 0)) {
            throw new IllegalArgumentException("--inline works only without --verify and --rate");
        }
        if (verify && blockSize < VerifyBlock.HEADER_BYTES) {
            throw new IllegalArgumentException("--verify needs --bs of at least " + VerifyBlock.HEADER_BYTES);
        }
    }

    /** The share of reads in percent. */
    public int readPercent() {
        return mode.readPercent(rwmixread);
    }

    /** Total requests in flight over all jobs. */
    public int totalDepth() {
        return iodepth * numjobs;
    }

    /** True when the run ends after a time rather than after an amount of data. */
    public boolean timeBased() {
        return runtimeNanos > 0;
    }

    /** The same workload with another mode (used for prefill and verify passes). */
    public Workload withMode(RwMode m) {
        return new Workload(m, rwmixread, blockSize, iodepth, numjobs, runtimeNanos, sizeBytes, rampNanos, seed,
                verify, rateIops, inline);
    }
}
