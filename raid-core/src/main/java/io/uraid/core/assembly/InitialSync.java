package io.uraid.core.assembly;

import io.uraid.core.spi.Layout;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.SyncIo;
import java.io.IOException;

/**
 * The first sync of a new mirrored array, done before its superblocks say "clean": for every
 * piece of the array, the first present copy is copied onto the other copies, so all copies
 * hold the same bytes (md does this as a background resync; here it runs at create).
 */
final class InitialSync {
    private static final int STEP = 1 << 20;

    private InitialSync() {
    }

    static void run(IoEngine engine, BlockDevice[] devs, Layout layout, long dataOffset) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(STEP)) {
            long size = layout.arraySize();
            for (long at = 0; at < size; ) {
                int len = (int) Math.min(Math.min(STEP, layout.bytesToBoundary(at)), size - at);
                int source = -1;
                for (int c = 0; c < layout.copies() && source < 0; c++) {
                    if (devs[layout.member(at, c)] != null) {
                        source = c;
                    }
                }
                BlockDevice from = devs[layout.member(at, source)];
                SyncIo.read(engine, from, dataOffset + layout.memberOffset(at, source), buf.address(), len);
                for (int c = 0; c < layout.copies(); c++) {
                    BlockDevice to = devs[layout.member(at, c)];
                    if (c != source && to != null) {
                        SyncIo.write(engine, to, dataOffset + layout.memberOffset(at, c), buf.address(), len, false);
                    }
                }
                at += len;
            }
            for (BlockDevice d : devs) {
                if (d != null) {
                    SyncIo.fsync(engine, d);
                }
            }
        }
    }
}
