package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.spi.Layout;

/**
 * Resync of a mirror: each window's first copy in sync is copied over the other writable copies
 * (a member being rebuilt too: below its checkpoint it must match), as one linked chain,
 * read then each write, which the kernel runs in order without a round trip through the
 * dispatcher. Until a range is resynced, reads of it go to that source copy.
 */
final class MirrorResync extends MirrorWindows {

    MirrorResync(Layout layout, WindowLegs io) {
        super(layout, io);
    }

    @Override
    public int start(Window w, WindowLegs io) {
        int src = source(w);
        if (src < 0) {
            return LevelIo.DONE;
        }
        int targets = 0;
        for (int c = 0; c < copies; c++) {
            if (c != src && io.member(role(w, c)).writable()) {
                targets++;
            }
        }
        if (io.room() < 1 + targets) {
            return LevelIo.WAIT;
        }
        w.word(SOURCE, src);
        long buf = w.buffer(src);
        int len = w.length();
        io.read(w, src, role(w, src), offset(w, src), buf, len, targets > 0 ? Legs.LINK : 0);
        for (int c = 0, left = targets; c < copies; c++) {
            if (c != src && io.member(role(w, c)).writable()) {
                io.write(w, c, role(w, c), offset(w, c), buf, len, --left > 0 ? Legs.LINK : 0);
            }
        }
        return LevelIo.NEXT;
    }

    @Override
    public void legDone(Window w, int tag, int result, WindowLegs io) {
        if (!failed(w, result)) {
            return;
        }
        if (tag == w.word(SOURCE)) {
            readFailed(w, tag, result);
        } else {
            io.failMember(role(w, tag), result);
        }
    }

    @Override
    public int phaseDone(Window w, WindowLegs io) {
        return endOrRerun(w);
    }

    @Override
    public int steer(long offset, long length) {
        return firstInSync(offset);
    }
}
