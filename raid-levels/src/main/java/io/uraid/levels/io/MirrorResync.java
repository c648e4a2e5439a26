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
 * dispatcher (or, where the array runs ordered legs in phases, the writes are issued when the
 * read has completed). Until a range is resynced, reads of it go to that source copy.
 */
final class MirrorResync extends MirrorWindows {
    private static final int READ = 0, WRITE = 1;

    MirrorResync(Layout layout, WindowLegs io) {
        super(layout, io);
    }

    @Override
    public int start(Window w, WindowLegs io) {
        int src = source(w);
        if (src < 0) {
            return LevelIo.DONE;
        }
        w.word(SOURCE, src);
        int targets = writableTargets(w, io);
        if (io.room() < 1 + targets) {
            return LevelIo.WAIT;
        }
        w.phase(READ);
        boolean linked = io.linked();
        io.read(w, src, role(w, src), offset(w, src), w.buffer(src), w.length(), linked && targets > 0 ? Legs.LINK : 0);
        if (linked) {
            writeCopies(w, io, targets, true);
        }
        return LevelIo.NEXT;
    }

    /** Writes the source copy over the other writable copies ({@code targets} of them), chained or not. */
    private void writeCopies(Window w, WindowLegs io, int targets, boolean linked) {
        int src = (int) w.word(SOURCE);
        w.phase(WRITE);
        for (int c = 0, left = targets; c < copies; c++) {
            if (c != src && io.member(role(w, c)).writable()) {
                io.write(w, c, role(w, c), offset(w, c), w.buffer(src), w.length(), linked && --left > 0 ? Legs.LINK : 0);
            }
        }
    }

    private int writableTargets(Window w, WindowLegs io) {
        int src = (int) w.word(SOURCE);
        int targets = 0;
        for (int c = 0; c < copies; c++) {
            if (c != src && io.member(role(w, c)).writable()) {
                targets++;
            }
        }
        return targets;
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
        if (w.phase() == READ && w.word(FLAGS) == 0) { // phased: the writes go out now the read is in
            int targets = writableTargets(w, io);
            if (targets == 0) {
                return LevelIo.DONE;
            }
            if (io.room() < targets) {
                return LevelIo.WAIT;
            }
            writeCopies(w, io, targets, false);
            return LevelIo.NEXT;
        }
        return endOrRerun(w);
    }

    @Override
    public int steer(long offset, long length) {
        return firstInSync(offset);
    }
}
