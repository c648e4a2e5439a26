package io.uraid.levels.io;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.Errno;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;

/**
 * Resync, check and repair of a parity array (md's sync_action resync/check/repair): each
 * window reads its stripe rows from every member, recomputes P (and Q) from the data and
 * compares them with what the members hold, 4 KiB row by 4 KiB row; a row whose P or Q differs
 * counts 8 sectors of mismatch_cnt, as md counts a stripe_head. Resync and repair then write
 * the recomputed parity of the differing rows; check only counts.
 *
 * <p>With a member missing, as md (Linux 6.1, seen with user-mode Linux) does: a raid6 missing
 * one still checks every stripe from the parity left: a missing data chunk is first rebuilt
 * from P and the other data (so P agrees by construction and Q is what is checked), a missing
 * P leaves Q to check, a missing Q leaves P; repair rewrites the parity that remains. A raid4/5
 * missing one (a raid6 missing two) has no redundancy left to compare against: md ends such a
 * pass at once, counting nothing, and so does this one (every window ends without I/O).
 */
final class ParityScrub extends ParityWindows {
    enum Kind { RESYNC, CHECK, REPAIR }

    private static final int READ = 0, WRITING = 1;
    private static final int ROW = 4096;
    private static final int SECTORS_PER_ROW = ROW / 512;
    private final Kind kind;
    private final StripeParity math;
    private final long[] roleAddress;

    ParityScrub(ParityLayout layout, WindowLegs io, Kind kind) {
        super(layout, io);
        this.kind = kind;
        this.math = new StripeParity(layout);
        this.roleAddress = new long[layout.raidDisks()];
    }

    @Override
    int restart(Window w) {
        if (missing() > n - layout.dataDisks() - 1) {
            return LevelIo.DONE; // nothing redundant left to compare
        }
        if (!readInSync(w, -1)) {
            return LevelIo.WAIT;
        }
        w.phase(READ);
        return LevelIo.NEXT;
    }

    @Override
    public void legDone(Window w, int tag, int result, WindowLegs legs) {
        if (result >= 0) {
            return;
        }
        if (w.phase() == READ) {
            readFailed(w, tag, result);
        } else if (result != -Errno.ECANCELED) {
            io.failMember(tag, result);
        }
    }

    @Override
    public int phaseDone(Window w, WindowLegs legs) {
        if (w.phase() != READ) {
            return LevelIo.DONE;
        }
        if (w.word(FLAGS) != 0) {
            return rerun(w);
        }
        long stripe = stripe(w);
        int p = layout.pRole(stripe);
        int q = layout.qRole(stripe);
        int lost = -1;
        for (int role = 0; role < n; role++) {
            roleAddress[role] = w.buffer(role);
            lost = wasRead(w, role) ? lost : role;
        }
        int len = w.length();
        if (lost >= 0 && lost != p && lost != q) {
            math.rebuild(stripe, roleAddress, lost, -1, len); // from P and the other data: P agrees by construction
        }
        roleAddress[p] = w.buffer(n);
        if (q >= 0) {
            roleAddress[q] = w.buffer(n + 1);
        }
        math.computeParity(stripe, roleAddress, len);
        long differing = 0;
        boolean pDiffers = false;
        boolean qDiffers = false;
        for (int row = 0; row < len; row += ROW) {
            int rowLen = Math.min(ROW, len - row);
            boolean dp = p != lost && !same(w.buffer(p) + row, w.buffer(n) + row, rowLen);
            boolean dq = q >= 0 && q != lost && !same(w.buffer(q) + row, w.buffer(n + 1) + row, rowLen);
            if (dp || dq) {
                differing++;
            }
            pDiffers |= dp;
            qDiffers |= dq;
        }
        w.mismatched(differing * SECTORS_PER_ROW);
        if (kind == Kind.CHECK || differing == 0) {
            return LevelIo.DONE;
        }
        if (io.room() < 2) {
            return LevelIo.WAIT; // nothing changed yet: computed and compared again when asked next
        }
        w.phase(WRITING);
        long off = memberOffset(w);
        if (pDiffers) {
            io.write(w, p, p, off, w.buffer(n), len, 0);
        }
        if (qDiffers) {
            io.write(w, q, q, off, w.buffer(n + 1), len, 0);
        }
        return LevelIo.NEXT;
    }

    private static boolean same(long a, long b, int len) {
        for (int i = 0; i < len; i += 8) {
            if (UnsafeAccess.getLong(a + i) != UnsafeAccess.getLong(b + i)) {
                return false;
            }
        }
        return true;
    }
}
