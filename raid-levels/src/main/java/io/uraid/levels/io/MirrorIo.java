package io.uraid.levels.io;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.array.Member;
import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Request;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.plan.WindowLegs;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.spi.Layout;
import io.uraid.io.Errno;

/**
 * The I/O of levels that keep several full copies (raid1, raid10): a write goes to every
 * writable copy (and to a device replacing a copy's member); a read goes to the least busy
 * in-sync copy (md's choice for non-rotational members), or to the copy a running resync
 * copies from; a read that fails is retried on another copy and the good bytes are then
 * written back over the bad copy; a failed write fails its member while another copy holds the
 * data (md never fails the last copy). Its sync passes: {@link MirrorResync}, {@link MirrorScrub}
 * (check and repair), {@link MirrorRecover}.
 *
 * <p>md's flags for slow or remote members: reads avoid a <em>write-mostly</em> member while
 * another copy is in sync; with write-behind on, its writes go out behind the request (the
 * request completes when the other copies have the data), and a read that can only be served by
 * it waits until its behind writes have landed. A <em>failfast</em> member whose read fails is
 * failed at once (while another copy holds the data) instead of being retried and rewritten.
 */
public final class MirrorIo implements LevelIo {
    /** Leg tag: the rewrite of a copy that failed to read, from the copy read instead. */
    private static final int REWRITE = 1;

    private final Layout layout;
    private final int copies;

    public MirrorIo(Layout layout) {
        this.layout = layout;
        this.copies = layout.copies();
    }

    @Override
    public int syncBuffers() {
        return copies; // a check reads every copy of a window
    }

    @Override
    public SyncWindows sync(SyncAction action, WindowLegs io) {
        switch (action) {
            case RESYNC:
                return new MirrorResync(layout, io);
            case CHECK:
                return new MirrorScrub(layout, io, false);
            case REPAIR:
                return new MirrorScrub(layout, io, true);
            case RECOVER:
                return new MirrorRecover(layout, io);
            default:
                return null;
        }
    }

    @Override
    public boolean issue(Request r, Legs legs) {
        return r.op() == Request.READ ? issueReads(r, legs) : issueWrites(r, legs);
    }

    private long pieceLength(Request r, long at, Legs legs) {
        return Math.min(Math.min(r.length() - r.cursor(), layout.bytesToBoundary(at)), legs.maxLegBytes());
    }

    private boolean issueReads(Request r, Legs legs) {
        while (r.cursor() < r.length()) {
            if (legs.room() < 1) {
                return false;
            }
            long at = r.offset() + r.cursor();
            int len = (int) pieceLength(r, at, legs);
            int copy = steeredCopy(at, len, legs);
            if (copy >= 0 && legs.member(layout.member(at, copy)).behindPending() > 0) {
                return false; // only a write-mostly copy is left, with writes behind in flight: wait for them
            }
            if (copy < 0) {
                r.fail(-Errno.EIO); // no copy in sync: the array has failed
            } else {
                int leg = legs.read(r, layout.member(at, copy), layout.memberOffset(at, copy),
                        r.address() + r.cursor(), len, 0);
                legs.note(leg, 0, copy, at);
                legs.mask(leg, 1 << copy);
            }
            r.advance(len);
        }
        return true;
    }

    private int steeredCopy(long at, int len, Legs legs) {
        int c = legs.steer(at, len);
        if (c >= 0 && legs.member(layout.member(at, c)).inSync()) {
            return c;
        }
        return leastBusyCopy(at, 0, legs);
    }

    /**
     * The in-sync copy of {@code at} with the fewest legs pending, skipping {@code tried}, and a
     * write-mostly copy only when no other is in sync; -1 if none.
     */
    private int leastBusyCopy(long at, int tried, Legs legs) {
        int best = -1;
        long bestRank = Long.MAX_VALUE;
        for (int c = 0; c < copies; c++) {
            if ((tried & (1 << c)) != 0) {
                continue;
            }
            Member m = legs.member(layout.member(at, c));
            long rank = (m.writeMostly() ? 1L << 32 : 0) + m.pendingLegs();
            if (m.inSync() && rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    private boolean issueWrites(Request r, Legs legs) {
        boolean discard = r.op() == Request.DISCARD;
        int flags = (r.flags() & BlockTarget.FUA) != 0 ? Legs.FUA : 0;
        int behindBytes = discard ? 0 : legs.behindBytes();
        while (r.cursor() < r.length()) {
            long at = r.offset() + r.cursor();
            long len = pieceLength(r, at, legs);
            // A write-mostly copy written behind may take a leg per behindBytes of the piece.
            int behindLegs = behindBytes == 0 ? 0 : (int) ((len + behindBytes - 1) / behindBytes) - 1;
            if (legs.room() < copies + legs.replacements() + behindLegs || waitsForBehind(at, len, legs)) {
                return false;
            }
            boolean behind = behindBytes > 0 && hasFastCopy(at, legs);
            int written = 0;
            for (int c = 0; c < copies; c++) {
                int role = layout.member(at, c);
                if (!legs.member(role).writable()) {
                    continue;
                }
                if (!(behind && legs.member(role).writeMostly() && writeBehind(r, legs, role, c, at, len, flags,
                        behindBytes))) {
                    writeLeg(r, legs, role, c, at, len, discard, flags);
                }
                written++;
                Member rep = legs.replacement(role);
                if (rep != null && rep.writable()) { // the device replacing it must miss no write
                    writeLeg(r, legs, role + legs.raidDisks(), c, at, len, discard, flags);
                }
            }
            if (written == 0) {
                r.fail(-Errno.EIO); // no working copy of this piece: the array has failed
            }
            r.advance(len);
        }
        return true;
    }

    /** A write-behind leg still in flight on one of the piece's copies overlaps it: the piece waits. */
    private boolean waitsForBehind(long at, long len, Legs legs) {
        for (int c = 0; c < copies; c++) {
            int role = layout.member(at, c);
            if (legs.member(role).behindPending() > 0 && legs.behindOverlaps(role, layout.memberOffset(at, c), len)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of {@code at} in sync and not write-mostly: only then may another go behind (a copy
     * still being rebuilt is no safe home for an acknowledged write: a crash restarts its rebuild
     * from the others).
     */
    private boolean hasFastCopy(long at, Legs legs) {
        for (int c = 0; c < copies; c++) {
            Member m = legs.member(layout.member(at, c));
            if (m.inSync() && !m.writeMostly()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the piece to write-mostly member {@code role} behind the request, in legs of at
     * most {@code behindBytes}; what cannot go behind (the limit reached) goes out as one
     * ordinary leg. False when nothing went behind (the caller writes the piece normally).
     */
    private boolean writeBehind(Request r, Legs legs, int role, int copy, long at, long len, int flags,
                                int behindBytes) {
        long memberOffset = layout.memberOffset(at, copy);
        long address = r.address() + r.cursor();
        long done = 0;
        while (done < len) {
            int part = (int) Math.min(behindBytes, len - done);
            int leg = legs.writeBehind(r, role, memberOffset + done, address + done, part, flags);
            if (leg < 0) {
                break;
            }
            legs.note(leg, 0, copy, at + done);
            done += part;
        }
        if (done == 0) {
            return false;
        }
        if (done < len) {
            int leg = legs.write(r, role, memberOffset + done, address + done, (int) (len - done), flags);
            legs.note(leg, 0, copy, at + done);
        }
        return true;
    }

    private void writeLeg(Request r, Legs legs, int slot, int copy, long at, long len, boolean discard, int flags) {
        long memberOffset = layout.memberOffset(at, copy);
        int leg = discard ? legs.discard(r, slot, memberOffset, len)
                : legs.write(r, slot, memberOffset, r.address() + r.cursor(), (int) len, flags);
        legs.note(leg, 0, copy, at);
    }

    @Override
    public boolean legDone(Request r, int leg, int result, Legs legs) {
        if (legs.tag(leg) == REWRITE) {
            // The data was read from a good copy; the member that cannot take it back is failed.
            if (result < 0 && legs.failMember(legs.slot(leg), result)) {
                r.recordFailureFirst();
            }
            return true;
        }
        if (r.op() == Request.READ) {
            if (result < 0) {
                return !retryRead(r, leg, result, legs);
            }
            if (legs.otherSlot(leg) >= 0) {
                rewrite(r, leg, legs); // best effort: a failed rewrite fails the bad member later
            }
            return true;
        }
        if (result < 0) {
            if (r.op() == Request.DISCARD && result == -Errno.EOPNOTSUPP) {
                r.fail(result); // the member cannot discard: not a failure of the member
            } else {
                legs.absorbOrFail(r, legs.slot(leg), result);
            }
        }
        return true;
    }

    /** Sends a failed read to another in-sync copy; false (the request failed) when none is left. */
    private boolean retryRead(Request r, int leg, int result, Legs legs) {
        int bad = legs.slot(leg);
        long errors = legs.countReadError(bad);
        if ((legs.member(bad).failfast() || errors > legs.readErrorLimit()) && legs.failMember(bad, result)) {
            // A member that keeps failing reads is failed (md: max_corr_read_errors), a failfast
            // one at its first failure (no rewrite follows: it is no longer in sync).
            r.recordFailureFirst();
        }
        long at = legs.arrayOffset(leg);
        int next = leastBusyCopy(at, legs.mask(leg), legs);
        if (next < 0) {
            r.fail(result);
            return false;
        }
        if (legs.otherSlot(leg) < 0) {
            legs.otherSlot(leg, bad);
        }
        legs.note(leg, 0, next, at);
        legs.mask(leg, legs.mask(leg) | 1 << next);
        legs.retry(leg, layout.member(at, next), layout.memberOffset(at, next));
        return true;
    }

    /** Writes the bytes just read over the copy that failed to read them. */
    private void rewrite(Request r, int readLeg, Legs legs) {
        int slot = legs.otherSlot(readLeg);
        if (legs.room() < 1 || !legs.member(slot).inSync()) {
            return;
        }
        long at = legs.arrayOffset(readLeg);
        int badCopy = copyOn(at, slot);
        int leg = legs.write(r, slot, layout.memberOffset(at, badCopy), legs.address(readLeg), legs.length(readLeg), 0);
        legs.note(leg, REWRITE, badCopy, at);
    }

    private int copyOn(long at, int role) {
        for (int c = 0; c < copies; c++) {
            if (layout.member(at, c) == role) {
                return c;
            }
        }
        throw new IllegalStateException("role " + role + " holds no copy of offset " + at);
    }
}
