package io.uraid.core.sync;

import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;

/** Compares two copies read by a check, block by block. */
final class BufferCompare {
    private BufferCompare() {
    }

    /** Number of {@code block}-byte blocks (the last may be short) whose bytes differ. */
    static long differingBlocks(NativeBuffer a, NativeBuffer b, int length, int block) {
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
