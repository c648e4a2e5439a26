package io.uraid.core.assembly;

import io.uraid.core.sb.MdConstants;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Reads the parts of a device that say what is on it, and wipes stale md superblocks. */
final class Probe {
    private static final int BLOCK = 4096;

    private Probe() {
    }

    /** What foreign format the device carries, or null (see {@link ForeignSignatures}). */
    static String foreignSignature(IoEngine engine, BlockDevice dev) throws IOException {
        long size = dev.size();
        int headLen = (int) Math.min(ForeignSignatures.HEAD_BYTES, size / BLOCK * BLOCK);
        int tailLen = (int) Math.min(ForeignSignatures.TAIL_BYTES, size / BLOCK * BLOCK);
        long tailStart = (size - tailLen) / BLOCK * BLOCK;
        tailLen = (int) (size / BLOCK * BLOCK - tailStart);
        try (NativeBuffer head = NativeBuffer.allocate(Math.max(headLen, BLOCK));
             NativeBuffer tail = NativeBuffer.allocate(Math.max(tailLen, BLOCK))) {
            if (headLen > 0) {
                SyncIo.read(engine, dev, 0, head.address(), headLen);
            }
            if (tailLen > 0) {
                SyncIo.read(engine, dev, tailStart, tail.address(), tailLen);
            }
            ByteBuffer t = tail.view(0, Math.max(tailLen, 0));
            return ForeignSignatures.detect(head.view(0, headLen), t, tailStart + tailLen);
        }
    }

    /**
     * Zeroes md 0.90 and 1.0 superblocks at the end of a device that is being made a v1.2
     * member, so no tool later finds two different arrays on it.
     */
    static void wipeTailSuperblocks(IoEngine engine, BlockDevice dev) throws IOException {
        long size = dev.size();
        long sb090 = (size & ~(65536L - 1)) - 65536;
        long sb10 = ((size >> 9) - 16 & ~7L) << 9;
        try (NativeBuffer block = NativeBuffer.allocate(BLOCK)) {
            for (long at : new long[] {sb090, sb10}) {
                if (at < 65536 || at + BLOCK > size) {
                    continue;
                }
                SyncIo.read(engine, dev, at, block.address(), BLOCK);
                if (block.view().getInt(0) == MdConstants.MD_MAGIC) {
                    block.view().put(new byte[BLOCK]);
                    SyncIo.write(engine, dev, at, block.address(), BLOCK, true);
                }
            }
        }
    }
}
