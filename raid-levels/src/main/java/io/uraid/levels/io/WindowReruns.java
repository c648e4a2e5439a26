package io.uraid.levels.io;

import io.uraid.core.plan.Window;
import io.uraid.io.Errno;

/**
 * What every sync strategy does after failed reads in a window: note them in the window's
 * words, then run the window again from the members still in sync, or give it up (counted
 * unreadable) when nothing is left to read or it keeps failing. Window words {@link #FLAGS} and
 * {@link #RERUNS} are kept here; a strategy's own words use the others.
 */
final class WindowReruns {
    /** Window words. */
    static final int FLAGS = 1, RERUNS = 2;
    /** FLAGS: a read failed; no copy is left to read; a chained leg was canceled. */
    static final int READ_FAILED = 1, LOST = 2, CANCELED = 4;
    /** Reruns of one window after failures before it is given up (a member that fails but is not failed). */
    private static final int MAX_RERUNS = 4;

    private WindowReruns() {
    }

    /** A leg ended with {@code result}: true when it is a failure the strategy must look at (a cancel only asks for a rerun). */
    static boolean failed(Window w, int result) {
        if (result == -Errno.ECANCELED) {
            w.word(FLAGS, w.word(FLAGS) | CANCELED);
            return false;
        }
        return result < 0;
    }

    /** A read failed; {@code memberFailed}: its member was failed (else it held the last good copy). */
    static void readFailed(Window w, boolean memberFailed) {
        w.word(FLAGS, w.word(FLAGS) | READ_FAILED | (memberFailed ? 0 : LOST));
    }

    /** True when a read failed or a chain broke in the window. */
    static boolean troubled(Window w) {
        return (w.word(FLAGS) & (READ_FAILED | CANCELED)) != 0;
    }

    /**
     * After failures: false when the window is given up (counted unreadable); true when it is to
     * run again from phase 0 (flags cleared, reruns counted).
     */
    static boolean rerun(Window w) {
        if ((w.word(FLAGS) & LOST) != 0 || w.word(RERUNS) >= MAX_RERUNS) {
            w.unreadable();
            return false;
        }
        w.word(RERUNS, w.word(RERUNS) + 1);
        w.word(FLAGS, 0);
        w.phase(0);
        return true;
    }
}
