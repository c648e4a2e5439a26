package io.uraid.levels.io;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.spi.Layout;

/**
 * What the mirror's sync passes share: windows end at layout pieces (each copy of a window is
 * contiguous on its member), the source of a window is its first copy in sync, and a window
 * whose reads failed is run again from the copies still in sync, or skipped as unreadable when
 * the failed copy was the last. Window buffer {@code c} holds copy {@code c}.
 */
abstract class MirrorWindows implements SyncWindows {
    /** Window words (FLAGS and RERUNS are {@link WindowReruns}'). */
    static final int SOURCE = 0, FLAGS = WindowReruns.FLAGS, MASK = 3;

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
        WindowReruns.readFailed(w, io.failMember(role(w, copy), result));
    }

    /** A leg ended with {@code result}: true when it is a failure the strategy must look at. */
    static boolean failed(Window w, int result) {
        return WindowReruns.failed(w, result); // a canceled leg: its chain broke before it, run again
    }

    /**
     * The window's legs have all ended: done, or (after failures) run again from the copies in
     * sync, or given up (counted unreadable) when nothing is left to read or it keeps failing.
     */
    final int endOrRerun(Window w) {
        if (!WindowReruns.troubled(w) || !WindowReruns.rerun(w)) {
            return LevelIo.DONE;
        }
        return start(w, io);
    }
}
