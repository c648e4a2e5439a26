package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.io.Errno;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;

/**
 * Rebuild of one role of a parity array (a spare that took it, a re-added member, or a
 * replacement being copied in), window by window over stripe rows: the rows of every in-sync
 * member are read, the role's rows are rebuilt from them (raid6: with another role missing
 * too), and written to the device being rebuilt. A replacement of a member still in sync is a
 * plain copy of that member's rows, one linked chain (read, then write) as the mirrors do.
 */
final class ParityRecover extends ParityWindows {
    private static final int READ = 0, WRITE = 1;
    /** Tag of the write to the rebuilt device. */
    private static final int TARGET = 0x80;
    private final StripeParity math;
    private final long[] roleAddress;

    ParityRecover(ParityLayout layout, WindowLegs io) {
        super(layout, io);
        this.math = new StripeParity(layout);
        this.roleAddress = new long[layout.raidDisks()];
    }

    private boolean copying() {
        return io.targetSlot() != io.targetRole() && io.member(io.targetRole()).inSync();
    }

    @Override
    int restart(Window w) {
        if (!io.member(io.targetSlot()).writable()) {
            return LevelIo.DONE; // the device went away: the driver ends the pass
        }
        int target = io.targetRole();
        w.phase(READ);
        if (copying()) {
            if (io.room() < 2) {
                return LevelIo.WAIT;
            }
            boolean linked = io.linked();
            io.read(w, target, target, memberOffset(w), w.buffer(target), w.length(), linked ? Legs.LINK : 0);
            if (linked) {
                writeTarget(w);
            }
            return LevelIo.NEXT;
        }
        if (missing() > n - layout.dataDisks()) {
            w.failPass(); // too few members left to rebuild from
            return LevelIo.DONE;
        }
        return readInSync(w, target) ? LevelIo.NEXT : LevelIo.WAIT;
    }

    private void writeTarget(Window w) {
        w.phase(WRITE);
        io.write(w, TARGET, io.targetSlot(), memberOffset(w), w.buffer(io.targetRole()), w.length(), 0);
    }

    @Override
    public void legDone(Window w, int tag, int result, WindowLegs legs) {
        if (result >= 0) {
            return;
        }
        if (tag == TARGET) {
            if (result != -Errno.ECANCELED) {
                io.failMember(io.targetSlot(), result); // the driver sees the target gone and ends the pass
            }
        } else {
            readFailed(w, tag, result);
        }
    }

    @Override
    public int phaseDone(Window w, WindowLegs legs) {
        if (w.word(FLAGS) != 0) {
            return rerun(w);
        }
        if (w.phase() == WRITE) {
            return LevelIo.DONE;
        }
        if (!io.member(io.targetSlot()).writable()) {
            return LevelIo.DONE;
        }
        if (io.room() < 1) {
            return LevelIo.WAIT;
        }
        if (!copying()) {
            rebuild(w);
        }
        writeTarget(w);
        return LevelIo.NEXT;
    }

    /** The target role's rows from the others, into its window buffer. */
    private void rebuild(Window w) {
        long stripe = stripe(w);
        int target = io.targetRole();
        int other = -1;
        for (int role = 0; role < n; role++) {
            roleAddress[role] = w.buffer(role);
            if (role != target && !wasRead(w, role)) {
                other = role; // raid6: the other role its reads left out
            }
        }
        math.rebuild(stripe, roleAddress, target, other, w.length());
    }
}
