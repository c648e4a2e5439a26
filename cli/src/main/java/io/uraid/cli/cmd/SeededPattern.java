package io.uraid.cli.cmd;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.BlockingIo;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * A reproducible data pattern for writing and verifying arrays: each 4 KiB block at array offset
 * {@code o} holds bytes drawn from a generator seeded by (seed, o), so any range can be checked
 * without having kept what was written, and a block written to the wrong place is caught.
 */
final class SeededPattern {
    static final int BLOCK = 4096;
    private static final int STEP = 1 << 20;

    private final long seed;

    SeededPattern(long seed) {
        this.seed = seed;
    }

    /** Fills {@code buf} (from position 0) with the pattern of {@code length} bytes at array offset {@code at}. */
    void fill(ByteBuffer buf, long at, int length) {
        for (int done = 0; done < length; done += BLOCK) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (at + done) / BLOCK);
            for (int i = 0; i < BLOCK; i += 8) {
                buf.putLong(done + i, rnd.nextLong());
            }
        }
    }

    /** Writes the pattern over [0, size) of the target. */
    void write(BlockTarget target, long size) throws IOException {
        write(target, size, done -> { });
    }

    /** As {@link #write(BlockTarget, long)}, telling {@code progress} the bytes written so far. */
    void write(BlockTarget target, long size, java.util.function.LongConsumer progress) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(STEP)) {
            for (long at = 0; at < size; at += STEP) {
                progress.accept(at);
                int len = (int) Math.min(STEP, size - at);
                fill(buf.view(), at, len);
                BlockingIo.write(target, at, len, buf.address(), 0);
            }
        }
        BlockingIo.flush(target);
    }

    /** Reads [0, size) back; returns the offset of the first 4 KiB block that differs, or -1. */
    long verify(BlockTarget target, long size) throws IOException {
        return verify(target, size, done -> { });
    }

    /** As {@link #verify(BlockTarget, long)}, telling {@code progress} the bytes checked so far. */
    long verify(BlockTarget target, long size, java.util.function.LongConsumer progress) throws IOException {
        try (NativeBuffer got = NativeBuffer.allocate(STEP); NativeBuffer want = NativeBuffer.allocate(STEP)) {
            for (long at = 0; at < size; at += STEP) {
                progress.accept(at);
                int len = (int) Math.min(STEP, size - at);
                BlockingIo.read(target, at, len, got.address());
                fill(want.view(), at, len);
                for (int b = 0; b < len; b += BLOCK) {
                    if (!got.view(b, BLOCK).equals(want.view(b, BLOCK))) {
                        return at + b;
                    }
                }
            }
        }
        return -1;
    }

    /** The size to use: {@code requested} (0 = all) rounded down to whole blocks, at most {@code arraySize}. */
    static long span(long requested, long arraySize) {
        if (requested > arraySize) {
            throw new IllegalArgumentException("--size " + requested + " is larger than the array (" + arraySize
                    + " bytes)");
        }
        long s = requested <= 0 ? arraySize : requested;
        return s / BLOCK * BLOCK;
    }
}
