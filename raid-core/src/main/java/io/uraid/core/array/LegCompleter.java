package io.uraid.core.array;

import io.uraid.core.plan.LevelIo;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;

/**
 * The one place where legs are counted down. Runs on the dispatcher thread (inside the
 * engine's reap). The core's own legs (metadata, background tasks, flushes) are handled here;
 * a request's mapped legs go to its level ({@link LevelIo#legDone}), which decides what a leg's
 * end means (retry another copy, fail the member, fail the request). A request completes once,
 * after its last leg.
 */
final class LegCompleter implements CompletionHandler {
    private final ArrayCore core;
    private final LegTable legs;
    private final LegIssuer issuer;
    private final LevelIo level;

    LegCompleter(ArrayCore core, LegIssuer issuer) {
        this.core = core;
        this.legs = core.legs;
        this.issuer = issuer;
        this.level = core.levelIo;
    }

    @Override
    public void onComplete(long userData, int result) {
        core.completionSeen = true; // plans waiting for a completion are asked again next turn
        int leg = (int) userData;
        byte kind = legs.kind[leg];
        if (kind == Op.RETIRE) {
            core.metadata.retiredMember(legs.role[leg]).pending--;
            release(leg);
            core.metadata.onRetiredLegDone(result); // a failed device: nothing more to do about an error
            return;
        }
        Member m = core.slot(legs.role[leg]);
        m.pending--;
        if (kind == Op.META) {
            release(leg);
            core.metadata.onLegDone(m.role(), result);
            return;
        }
        if (kind == Op.TASK) {
            int task = legs.request[leg];
            int token = legs.copy[leg];
            if (result >= 0 && legs.length[leg] > 0 && result != legs.length[leg]) {
                result = -Errno.EIO; // a task's read or write that ends short has failed, as a request's
            }
            release(leg);
            core.tasks[task].onComplete(core.io, token, result);
            return;
        }
        if (kind == Op.SYNC) {
            release(leg);
            core.syncsOutstanding--;
            if (result < 0) {
                core.failMember(m.role(), result);
            }
            return;
        }
        int planIndex = legs.plan[leg];
        ArrayRequest r = legs.request[leg] < 0 ? null : core.requests[legs.request[leg]];
        if (kind == Op.FLUSH || kind == Op.FUA_SYNC) {
            // A canceled flush: its write failed, and the write's own completion says so.
            if (result < 0 && result != -Errno.ECANCELED) {
                issuer.absorbOrFail(r, m.role(), result);
            }
        } else {
            if (result >= 0 && kind != Op.DISCARD && result != legs.length[leg]) {
                result = -Errno.EIO; // members never end inside an array: a short transfer is an error
            }
            count(m, kind, result, legs.length[leg], System.nanoTime() - legs.issuedAt[leg]);
            if (legs.syncAfter[leg] && result >= 0) {
                issuer.syncAfter(leg); // FUA emulated in phases: the flush follows the completed write
            }
            if (!level.legDone(r, leg, result, issuer)) {
                issuer.startOpenedOutside();
                return; // the same leg number continues (another copy)
            }
        }
        int behindSlot = legs.behind[leg];
        release(leg);
        if (planIndex >= 0) {
            ArrayPlan p = core.plans[planIndex];
            if (--p.outstanding == 0) {
                issuer.phaseDone(p); // the plan, not each of its legs, counts for the request
            }
        } else {
            r.outstanding--;
            if (behindSlot >= 0) {
                core.behind.give(behindSlot);
                m.behindPending--;
                r.behind--;
            } else if (kind == Op.WRITE && result >= 0 && m.inSync()) {
                r.fastWrites++; // a copy that holds the data for good (not one still being rebuilt)
            }
        }
        // Plans the level opened while hearing this leg (e.g. to rebuild what a failed read missed)
        // and left without legs go on now; each counts for its request, so it cannot finish first.
        issuer.startOpenedOutside();
        if (planIndex < 0 && r.fullyIssued() && !r.stalled) {
            if (r.outstanding == 0) {
                core.finish(r);
            } else if (r.outstanding == r.behind) {
                core.answerAhead(r); // only write-behind legs left (md's write-behind)
            }
        }
    }

    private void release(int leg) {
        legs.release(leg);
    }

    private static void count(Member m, byte kind, int result, int length, long nanos) {
        if (result < 0) {
            return;
        }
        if (kind == Op.READ) {
            m.reads++;
            m.readBytes += length;
            m.readNanos += nanos;
        } else if (kind == Op.WRITE) {
            m.writes++;
            m.writtenBytes += length;
            m.writeNanos += nanos;
        }
    }
}
