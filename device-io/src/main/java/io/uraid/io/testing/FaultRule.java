package io.uraid.io.testing;

import io.uraid.io.Errno;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault that a {@link FaultyEngine} injects: which device, which operations (reads, writes,
 * flushes, discards), which byte range, after how many matching operations it starts, and the
 * error it returns (EIO by default). Immutable settings built fluently, e.g.
 * {@code FaultRule.on(path).writes().range(0, 1 << 20).afterOps(100)}; a rule with no operation
 * kinds chosen matches every kind.
 */
public final class FaultRule {
    static final int READS = 1;
    static final int WRITES = 2;
    static final int FLUSHES = 4;
    static final int DISCARDS = 8;

    private final Path device;
    private final int kinds;
    private final long from;
    private final long to;
    private final long afterOps;
    private final int errno;
    /** Matching operations seen so far (the first {@code afterOps} of them pass). */
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();

    private FaultRule(Path device, int kinds, long from, long to, long afterOps, int errno) {
        this.device = device;
        this.kinds = kinds;
        this.from = from;
        this.to = to;
        this.afterOps = afterOps;
        this.errno = errno;
    }

    /** Every operation on {@code device} fails with EIO (narrow it with the other methods). */
    public static FaultRule on(Path device) {
        return new FaultRule(device, 0, 0, Long.MAX_VALUE, 0, Errno.EIO);
    }

    public FaultRule reads() {
        return new FaultRule(device, kinds | READS, from, to, afterOps, errno);
    }

    public FaultRule writes() {
        return new FaultRule(device, kinds | WRITES, from, to, afterOps, errno);
    }

    /** fsync/fdatasync. */
    public FaultRule flushes() {
        return new FaultRule(device, kinds | FLUSHES, from, to, afterOps, errno);
    }

    public FaultRule discards() {
        return new FaultRule(device, kinds | DISCARDS, from, to, afterOps, errno);
    }

    /** Only reads, writes and discards that overlap {@code [offset, offset+length)}; flushes always match. */
    public FaultRule range(long offset, long length) {
        return new FaultRule(device, kinds, offset, offset + length, afterOps, errno);
    }

    /** The first {@code n} matching operations succeed; the later ones fail. */
    public FaultRule afterOps(long n) {
        return new FaultRule(device, kinds, from, to, n, errno);
    }

    /** The error to return (a positive errno, e.g. {@link Errno#EIO}). */
    public FaultRule errno(int positiveErrno) {
        return new FaultRule(device, kinds, from, to, afterOps, Math.abs(positiveErrno));
    }

    public Path device() {
        return device;
    }

    /** How many operations this rule has failed. */
    public long injected() {
        return injected.get();
    }

    /** Returns the -errno to inject for this operation, or 0 to let it through. */
    int decide(Path dev, int kind, long offset, long length) {
        if (!device.equals(dev) || (kinds != 0 && (kinds & kind) == 0)) {
            return 0;
        }
        if (kind != FLUSHES && (offset + length <= from || offset >= to)) {
            return 0;
        }
        if (seen.getAndIncrement() < afterOps) {
            return 0;
        }
        injected.incrementAndGet();
        return -errno;
    }

    @Override
    public String toString() {
        return "fault on " + device + " kinds=" + kinds + " range=[" + from + "," + to + ") after "
                + afterOps + " -> " + Errno.name(errno);
    }
}
