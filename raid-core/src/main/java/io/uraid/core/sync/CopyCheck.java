package io.uraid.core.sync;

import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;

/**
 * The comparison of check and repair: a copy of a window is compared with the copy read as its
 * source in 4 KiB blocks; the blocks that differ count towards md's mismatch_cnt (in 512-byte
 * sectors), and a repair rewrites a copy that differs while a check only counts.
 */
final class CopyCheck {
    private static final int BLOCK = 4096;
    private static final int SECTORS_PER_BLOCK = BLOCK / 512;

    private CopyCheck() {
    }

    /**
     * Compares copy {@code copy} of lane {@code l}'s window with its source and counts what
     * differs into {@code progress}; true when {@code action} is a repair and the copy differs.
     */
    static boolean rewrite(SyncAction action, SyncLane l, int copy, SyncProgress progress) {
        long differing = differingBlocks(l.buffer(l.source), l.buffer(copy), l.length(), BLOCK);
        progress.mismatched(differing * SECTORS_PER_BLOCK);
        return action == SyncAction.REPAIR && differing > 0;
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
