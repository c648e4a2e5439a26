package io.uraid.perf.bench;

/**
 * The request sequence of one job: offsets (block aligned, inside the job's share of the
 * region) and whether each request reads or writes. Deterministic: the same seed, job and
 * shape give the same sequence. No allocation.
 *
 * <p>Jobs never share a block: random jobs take the blocks {@code b ≡ job (mod numjobs)}, and
 * sequential jobs a contiguous slice each. That is what makes {@code --verify} exact with
 * several producers, and it costs nothing in speed.
 */
public final class OffsetStream {
    private final boolean random;
    private final int blockSize;
    private final int readPercent;
    private final int job;
    private final int numjobs;
    /** Random: how many blocks this job owns. Sequential: first block of the slice. */
    private final long count;
    private final long first;
    private long rng;
    private long seqNext;

    /**
     * @param regionBytes bytes of the target in use, from offset 0
     */
    public OffsetStream(RwMode mode, int readPercent, long regionBytes, int blockSize, int job, int numjobs,
                        long seed) {
        long blocks = regionBytes / blockSize;
        if (blocks < numjobs) {
            throw new IllegalArgumentException("the region (" + regionBytes + " bytes) holds fewer blocks of "
                    + blockSize + " than there are jobs (" + numjobs + ")");
        }
        this.random = mode.isRandom();
        this.blockSize = blockSize;
        this.readPercent = readPercent;
        this.job = job;
        this.numjobs = numjobs;
        if (random) {
            this.count = (blocks - job + numjobs - 1) / numjobs;
            this.first = 0;
        } else {
            this.first = blocks * job / numjobs;
            this.count = blocks * (job + 1) / numjobs - first;
        }
        this.rng = mix(seed ^ (0x9E3779B97F4A7C15L * (job + 1)));
    }

    /** Blocks this job may touch. */
    public long blocks() {
        return count;
    }

    /** The target block number of this job's {@code i}-th own block (0 <= i < blocks()). */
    public long blockAt(long i) {
        return random ? job + i * numjobs : first + i;
    }

    /** The offset in bytes of the next request. */
    public long nextOffset() {
        long i;
        if (random) {
            i = (next() >>> 1) % count;
        } else {
            i = seqNext;
            seqNext = seqNext + 1 == count ? 0 : seqNext + 1;
        }
        return blockAt(i) * blockSize;
    }

    /** Whether the next request reads (drawn with the configured mix). */
    public boolean nextIsRead() {
        if (readPercent >= 100) {
            return true;
        }
        if (readPercent <= 0) {
            return false;
        }
        return (next() >>> 1) % 100 < readPercent;
    }

    private long next() {
        rng += 0x9E3779B97F4A7C15L;
        return mix(rng);
    }

    /** splitmix64's finaliser: a good 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
