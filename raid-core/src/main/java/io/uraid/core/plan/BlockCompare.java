package io.uraid.core.plan;

import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;

/**
 * The comparison of check and repair passes: two buffers compared in 4 KiB blocks; the blocks
 * that differ count towards md's mismatch_cnt in 512-byte sectors.
 */
public final class BlockCompare {
    public static final int BLOCK = 4096;
    public static final int SECTORS_PER_BLOCK = BLOCK / 512;

    private BlockCompare() {
    }

    /** Number of {@code block}-byte blocks (the last may be short) of the first {@code length} bytes that differ. */
    public static long differingBlocks(NativeBuffer a, NativeBuffer b, int length, int block) {
        ByteBuffer va = a.view();
        ByteBuffer vb = b.view();
        long n = 0;
        for (int at = 0; at < length; at += block) {
            int len = Math.min(block, length - at);
            va.limit(at + len).position(at);
            vb.limit(at + len).position(at);
            if (va.mismatch(vb) >= 0) {
                n++;
            }
        }
        return n;
    }
}
