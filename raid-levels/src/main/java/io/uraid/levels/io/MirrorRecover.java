package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.plan.CopyLayouts;
import io.uraid.core.spi.Layout;

/**
 * Rebuild of one role of a mirror (a spare that took it, a re-added member, or a replacement
 * being copied in): each window's copy that lives on the role is read from the first copy in
 * sync and written to the device being rebuilt, as one linked chain (read, then write) that the
 * kernel runs without a round trip through the dispatcher (or, where the array runs ordered legs
 * in phases, the write is issued when the read has completed).
 */
final class MirrorRecover extends MirrorWindows {
    /** Tag bit of the write to the rebuilt device (its copy index may equal the source's: a replacement). */
    private static final int TARGET = 0x80;
    private static final int READ = 0, WRITE = 1;

    MirrorRecover(Layout layout, WindowLegs io) {
        super(layout, io);
    }

    @Override
    public int start(Window w, WindowLegs io) {
        int target = CopyLayouts.copyOn(layout, io.targetRole(), w.start());
        if (target < 0 || !io.member(io.targetSlot()).writable()) {
            return LevelIo.DONE; // no copy of this window on the role, or the device went away
        }
        int src = source(w);
        if (src < 0) {
            return LevelIo.DONE;
        }
        if (io.room() < 2) {
            return LevelIo.WAIT;
        }
        w.word(SOURCE, src);
        w.word(MASK, target);
        w.phase(READ);
        long buf = w.buffer(src);
        boolean linked = io.linked();
        io.read(w, src, role(w, src), offset(w, src), buf, w.length(), linked ? Legs.LINK : 0);
        if (linked) {
            writeTarget(w, io);
        }
        return LevelIo.NEXT;
    }

    private void writeTarget(Window w, WindowLegs io) {
        int target = (int) w.word(MASK);
        w.phase(WRITE);
        io.write(w, TARGET | target, io.targetSlot(), offset(w, target), w.buffer((int) w.word(SOURCE)), w.length(), 0);
    }

    @Override
    public void legDone(Window w, int tag, int result, WindowLegs io) {
        if (!failed(w, result)) {
            return;
        }
        if ((tag & TARGET) != 0) {
            io.failMember(io.targetSlot(), result); // the pass ends: the driver sees the target gone
        } else {
            readFailed(w, tag, result);
        }
    }

    @Override
    public int phaseDone(Window w, WindowLegs io) {
        if (w.phase() == READ && w.word(FLAGS) == 0) { // phased: the write goes out now the read is in
            if (!io.member(io.targetSlot()).writable()) {
                return LevelIo.DONE;
            }
            if (io.room() < 1) {
                return LevelIo.WAIT;
            }
            writeTarget(w, io);
            return LevelIo.NEXT;
        }
        return endOrRerun(w);
    }
}
