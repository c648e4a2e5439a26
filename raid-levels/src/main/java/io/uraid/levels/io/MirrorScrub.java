package io.uraid.levels.io;

import io.uraid.core.plan.BlockCompare;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.spi.Layout;

/**
 * Check and repair of a mirror (md's sync_action check/repair): every copy in sync of a window
 * is read (phase 0), each is compared with the first in 4 KiB blocks and the differing blocks
 * counted (mismatch_cnt); a repair then writes the first copy over those that differ (phase 2).
 * The comparison needs every copy in memory, so the writes cannot be chained to the reads: this
 * pass stays in phases.
 */
final class MirrorScrub extends MirrorWindows {
    private static final int READ = 0, COMPARED = 1, WRITING = 2;
    private final boolean repair;

    MirrorScrub(Layout layout, WindowLegs io, boolean repair) {
        super(layout, io);
        this.repair = repair;
    }

    @Override
    public int start(Window w, WindowLegs io) {
        int src = source(w);
        if (src < 0) {
            return LevelIo.DONE;
        }
        int reads = 0;
        for (int c = 0; c < copies; c++) {
            reads += io.member(role(w, c)).inSync() ? 1 : 0;
        }
        if (io.room() < reads) {
            return LevelIo.WAIT;
        }
        w.word(SOURCE, src);
        w.phase(READ);
        for (int c = 0; c < copies; c++) {
            if (io.member(role(w, c)).inSync()) {
                io.read(w, c, role(w, c), offset(w, c), w.buffer(c), w.length(), 0);
            }
        }
        return LevelIo.NEXT;
    }

    @Override
    public void legDone(Window w, int tag, int result, WindowLegs io) {
        if (!failed(w, result)) {
            return;
        }
        if (w.phase() == READ) {
            readFailed(w, tag, result);
        } else {
            io.failMember(role(w, tag), result);
        }
    }

    @Override
    public int phaseDone(Window w, WindowLegs io) {
        if (w.phase() == READ) {
            if (w.word(FLAGS) != 0) {
                return endOrRerun(w); // read again from the copies still in sync
            }
            compare(w);
        }
        if (w.phase() == COMPARED) {
            int mask = (int) w.word(MASK);
            if (mask == 0) {
                return LevelIo.DONE;
            }
            if (io.room() < Integer.bitCount(mask)) {
                return LevelIo.WAIT;
            }
            int src = (int) w.word(SOURCE);
            w.phase(WRITING);
            for (int c = 0; c < copies; c++) {
                if ((mask & (1 << c)) != 0) {
                    io.write(w, c, role(w, c), offset(w, c), w.buffer(src), w.length(), 0);
                }
            }
            return LevelIo.NEXT;
        }
        return LevelIo.DONE;
    }

    /** Counts what differs from the source; a repair marks the differing copies to rewrite. */
    private void compare(Window w) {
        int src = (int) w.word(SOURCE);
        int mask = 0;
        for (int c = 0; c < copies; c++) {
            if (c == src || !io.member(role(w, c)).inSync()) {
                continue;
            }
            long differing = BlockCompare.differingBlocks(w.nativeBuffer(src), w.nativeBuffer(c), w.length(),
                    BlockCompare.BLOCK);
            w.mismatched(differing * BlockCompare.SECTORS_PER_BLOCK);
            if (repair && differing > 0) {
                mask |= 1 << c;
            }
        }
        w.word(MASK, mask);
        w.phase(COMPARED);
    }
}
