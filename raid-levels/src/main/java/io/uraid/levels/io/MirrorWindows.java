package io.uraid.levels.io;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.spi.Layout;
import io.uraid.io.Errno;

/**
 * What the mirror's sync passes share: windows end at layout pieces (each copy of a window is
 * contiguous on its member), the source of a window is its first copy in sync, and a window
 * whose reads failed is run again from the copies still in sync, or skipped as unreadable when
 * the failed copy was the last. Window buffer {@code c} holds copy {@code c}.
 */
abstract class MirrorWindows implements SyncWindows {
    /** Window words. */
    static final int SOURCE = 0, FLAGS = 1, RERUNS = 2, MASK = 3;
    /** FLAGS: the source read failed; no copy is left to read; a chained leg was canceled. */
    static final int READ_FAILED = 1, LOST = 2, CANCELED = 4;
    /** Reruns of one window after failures before it is given up (a member that fails but is not failed). */
    private static final int MAX_RERUNS = 4;

    final Layout layout;
    final int copies;
    final WindowLegs io;

    MirrorWindows(Layout layout, WindowLegs io) {
        this.layout = layout;
        this.copies = layout.copies();
        this.io = io;
    }

    @Override
    public long windowEnd(long start, long end) {
        return Math.min(end, start + layout.bytesToBoundary(start));
    }

    /** The first copy of {@code at} whose member is in sync, or -1 (the array has failed). */
    final int firstInSync(long at) {
        for (int c = 0; c < copies; c++) {
            if (io.member(layout.member(at, c)).inSync()) {
                return c;
            }
        }
        return -1;
    }

    /**
     * The copy window {@code w} reads from: its first copy in sync; -1, and the pass stops,
     * when none is left (the array has failed).
     */
    final int source(Window w) {
        int src = firstInSync(w.start());
        if (src < 0) {
            w.failPass();
        }
        return src;
    }

    final int role(Window w, int copy) {
        return layout.member(w.start(), copy);
    }

    final long offset(Window w, int copy) {
        return layout.memberOffset(w.start(), copy);
    }

    /**
     * A read of copy {@code copy} failed: its member is failed where redundancy allows; when it
     * cannot be (the last good copy), the window has nothing to read from.
     */
    final void readFailed(Window w, int copy, int result) {
        boolean failed = io.failMember(role(w, copy), result);
        w.word(FLAGS, w.word(FLAGS) | READ_FAILED | (failed ? 0 : LOST));
    }

    /** A leg ended with {@code result}: true when it is a failure the strategy must look at. */
    static boolean failed(Window w, int result) {
        if (result == -Errno.ECANCELED) {
            w.word(FLAGS, w.word(FLAGS) | CANCELED); // its chain broke before it: run again
            return false;
        }
        return result < 0;
    }

    /**
     * The window's legs have all ended: done, or (after failures) run again from the copies in
     * sync, or given up (counted unreadable) when nothing is left to read or it keeps failing.
     */
    final int endOrRerun(Window w) {
        long flags = w.word(FLAGS);
        if ((flags & (READ_FAILED | CANCELED)) == 0) {
            return LevelIo.DONE;
        }
        if ((flags & LOST) != 0 || w.word(RERUNS) >= MAX_RERUNS) {
            w.unreadable();
            return LevelIo.DONE;
        }
        w.word(RERUNS, w.word(RERUNS) + 1);
        w.word(FLAGS, 0);
        w.phase(0);
        return start(w, io);
    }
}
