package io.uraid.perf;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import org.HdrHistogram.Histogram;

/**
 * Drives one device through one engine at a fixed queue depth, like a single fio job with
 * {@code --direct=1}: every completion immediately issues the next operation in the same slot,
 * and its completion latency (submission to reap) goes into a histogram. One thread, no
 * allocation per operation.
 */
public final class EngineBench implements CompletionHandler {
    private final IoEngine engine;
    private final BlockDevice device;
    private final Pattern pattern;
    private final int blockSize;
    private final int depth;
    private final long blocks;
    private final NativeBuffer buffers;
    private final long[] issuedAt;
    private final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    private long rng;
    private long sequentialNext;
    private boolean issuing;
    private boolean recording;
    private long ios;
    private int firstError;

    /**
     * @param span bytes of the device to use from offset 0 (0 = the whole device)
     */
    public EngineBench(IoEngine engine, BlockDevice device, Pattern pattern, int blockSize, int depth, long span,
                       long seed) throws IOException {
        if (blockSize <= 0 || blockSize % device.logicalBlockSize() != 0) {
            throw new IllegalArgumentException("--bs must be a multiple of the device's logical block size "
                    + device.logicalBlockSize() + ": " + blockSize);
        }
        if (depth < 1 || depth > 4096) {
            throw new IllegalArgumentException("--iodepth must be 1..4096: " + depth);
        }
        long usable = span > 0 ? Math.min(span, device.size()) : device.size();
        this.blocks = usable / blockSize;
        if (blocks < 1) {
            throw new IllegalArgumentException(device.path() + " is smaller than one block of " + blockSize);
        }
        this.engine = engine;
        this.device = device;
        this.pattern = pattern;
        this.blockSize = blockSize;
        this.depth = depth;
        this.buffers = NativeBuffer.allocate(Math.multiplyExact(blockSize, depth));
        this.issuedAt = new long[depth];
        this.rng = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        fillPattern();
        engine.registerBuffers(buffers);
    }

    private void fillPattern() {
        var view = buffers.view();
        long x = rng;
        for (int i = 0; i + 8 <= view.capacity(); i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            view.putLong(i, x);
        }
    }

    private long nextOffset() {
        if (pattern.isRandom()) {
            rng ^= rng << 13;
            rng ^= rng >>> 7;
            rng ^= rng << 17;
            return Math.floorMod(rng, blocks) * blockSize;
        }
        long off = sequentialNext;
        sequentialNext = (sequentialNext + 1) % blocks;
        return off * blockSize;
    }

    private void issue(int slot) {
        long address = buffers.address() + (long) slot * blockSize;
        long offset = nextOffset();
        issuedAt[slot] = System.nanoTime();
        boolean ok = pattern.isWrite()
                ? engine.prepWrite(device, offset, address, blockSize, slot, 0)
                : engine.prepRead(device, offset, address, blockSize, slot, 0);
        if (!ok) {
            throw new IllegalStateException(engine.name() + " has no room for " + depth
                    + " operations; use a smaller --iodepth");
        }
    }

    @Override
    public void onComplete(long userData, int result) {
        int slot = (int) userData;
        long now = System.nanoTime();
        if (result != blockSize) {
            if (firstError == 0) {
                firstError = result < 0 ? result : -Errno.EIO;
            }
        } else if (recording) {
            histogram.recordValue(Math.max(1, now - issuedAt[slot]));
            ios++;
        }
        if (issuing && firstError == 0) {
            issue(slot);
        }
    }

    /**
     * Runs {@code rampNanos} unmeasured (JIT warm-up), then measures for {@code runtimeNanos}.
     *
     * @throws IOException when an operation fails, naming the errno
     */
    public JobResult run(long rampNanos, long runtimeNanos) throws IOException {
        issuing = true;
        for (int i = 0; i < depth; i++) {
            issue(i);
        }
        engine.submit();
        long start = System.nanoTime();
        long measureFrom = start + rampNanos;
        long deadline = measureFrom + runtimeNanos;
        long now = start;
        while (now < deadline && firstError == 0) {
            if (!recording && now >= measureFrom) {
                recording = true;
                measureFrom = now;
            }
            engine.reap(1, this);
            now = System.nanoTime();
        }
        long elapsed = now - measureFrom;
        issuing = false;
        recording = false;
        while (engine.inFlight() > 0) {
            engine.reap(1, this);
        }
        if (firstError != 0) {
            throw new IOException(device.path() + ": " + pattern.fioName() + " failed: " + Errno.describe(firstError));
        }
        return new JobResult(ios, ios * blockSize, elapsed, histogram);
    }

    /** Frees the buffers (the engine and device belong to the caller). */
    public void close() {
        buffers.close();
    }
}
