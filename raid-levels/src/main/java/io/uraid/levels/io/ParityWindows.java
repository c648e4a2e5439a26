package io.uraid.levels.io;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.spi.Layout;
import io.uraid.levels.parity.ParityLayout;

/**
 * What the parity level's sync passes share. A pass works on stripe rows: every member's bytes
 * at the same member offsets. The driver walks the array in windows inside one chunk; the rows
 * of stripe {@code s} at offsets {@code [x, y)} of its chunks are the member bytes under the
 * window over its first data chunk's {@code [x, y)}, so only windows over a stripe's first data
 * chunk do work (the others end at once), and each such window holds its stripe's lock, since
 * client writes to the other chunks of the stripe are outside its write gate. Window buffer
 * {@code role} holds that role's rows; buffers {@code n} and {@code n + 1} the recomputed P and Q.
 */
abstract class ParityWindows implements SyncWindows {
    /** Window word of the failures seen ({@link WindowReruns}). */
    static final int FLAGS = WindowReruns.FLAGS;
    /**
     * Window word of the roles whose rows it read (bit per role): what it rebuilds or checks
     * from, whatever changed in the members since (a rebuild ending, a member failing elsewhere).
     */
    static final int READ_ROLES = 4;

    final ParityLayout layout;
    final WindowLegs io;
    final int n;

    ParityWindows(ParityLayout layout, WindowLegs io) {
        this.layout = layout;
        this.io = io;
        this.n = layout.raidDisks();
    }

    @Override
    public long windowEnd(long start, long end) {
        return Math.min(end, start + layout.bytesToChunkEnd(start));
    }

    /** True when window {@code w} covers rows of its stripe (it lies in the stripe's first data chunk). */
    final boolean owner(Window w) {
        return layout.dataIndexOf(w.start()) == 0;
    }

    final long stripe(Window w) {
        return layout.stripeOf(w.start());
    }

    final long memberOffset(Window w) {
        return layout.memberOffsetOf(w.start());
    }

    final int missing() {
        int m = 0;
        for (int role = 0; role < n; role++) {
            m += io.member(role).inSync() ? 0 : 1;
        }
        return m;
    }

    /** Reads the window's rows of every in-sync role except {@code skip} into its buffer; false without room. */
    final boolean readInSync(Window w, int skip) {
        int reads = 0;
        for (int role = 0; role < n; role++) {
            reads += role != skip && io.member(role).inSync() ? 1 : 0;
        }
        if (io.room() < reads) {
            return false;
        }
        long off = memberOffset(w);
        long read = 0;
        for (int role = 0; role < n; role++) {
            if (role != skip && io.member(role).inSync()) {
                io.read(w, role, role, off, w.buffer(role), w.length(), 0);
                read |= 1L << role;
            }
        }
        w.word(READ_ROLES, read);
        return true;
    }

    /** True when window {@code w}'s last read took {@code role}'s rows. */
    static boolean wasRead(Window w, int role) {
        return (w.word(READ_ROLES) & 1L << role) != 0;
    }

    /** A read of {@code role} failed: its member is failed where redundancy allows. */
    final void readFailed(Window w, int role, int result) {
        if (WindowReruns.failed(w, result)) {
            WindowReruns.readFailed(w, io.failMember(role, result));
        }
    }

    /** After failed reads: run the window again from the members left, or count it unreadable. */
    final int rerun(Window w) {
        return WindowReruns.rerun(w) ? restart(w) : LevelIo.DONE;
    }

    /** Issues the window's first phase again (it already holds its stripe's lock). */
    abstract int restart(Window w);

    @Override
    public final int start(Window w, WindowLegs legs) {
        if (!owner(w)) {
            return LevelIo.DONE; // its rows are the first data chunk's window's work
        }
        if (!io.lock(w, stripe(w))) {
            return LevelIo.WAIT;
        }
        return restart(w);
    }

    @Override
    public boolean rebuiltBefore(Layout ignored, int role, long start, long end, long resumeFrom) {
        if (!owner(start)) {
            return resumeFrom > 0 && layout.memberOffsetOfStripe(layout.stripeOf(start) + 1) <= resumeFrom;
        }
        return layout.memberOffsetOf(start) + (end - start) <= resumeFrom;
    }

    private boolean owner(long start) {
        return layout.dataIndexOf(start) == 0;
    }

    @Override
    public long rebuiltBelow(Layout ignored, int role, long prefix, long recorded) {
        if (prefix >= layout.arraySize()) {
            return recorded;
        }
        long stripe = layout.stripeOf(prefix);
        long rows = layout.dataIndexOf(prefix) == 0 ? layout.memberOffsetOf(prefix)
                : layout.memberOffsetOfStripe(stripe + 1);
        return Math.max(recorded, rows);
    }
}
