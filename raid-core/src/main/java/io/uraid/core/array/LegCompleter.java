package io.uraid.core.array;

import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;

/**
 * The one place where legs are counted down. Runs on the dispatcher thread (inside the
 * engine's reap). Level semantics: striped levels fail a request on any leg error; redundant
 * levels retry reads on another copy (then rewrite the bad block from the good one) and absorb
 * write errors by failing the member, as long as a good copy of every byte remains.
 */
final class LegCompleter implements CompletionHandler {
    private final ArrayCore core;
    private final LegTable legs;
    private final LegIssuer issuer;

    LegCompleter(ArrayCore core, LegIssuer issuer) {
        this.core = core;
        this.legs = core.legs;
        this.issuer = issuer;
    }

    @Override
    public void onComplete(long userData, int result) {
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
        if (result >= 0 && (kind == Op.READ || kind == Op.WRITE || kind == Op.REWRITE)
                && result != legs.length[leg]) {
            result = -Errno.EIO; // members never end inside an array: a short transfer is an error
        }
        count(m, kind, result, legs.length[leg], System.nanoTime() - legs.issuedAt[leg]);
        ArrayRequest r = core.requests[legs.request[leg]];
        if (result < 0) {
            if (kind == Op.READ && retryRead(leg, r, result)) {
                return; // the same leg number continues on another copy
            }
            onLegError(kind, m, r, result);
        } else if (kind == Op.READ && legs.badRole[leg] >= 0) {
            issuer.prepRewrite(leg); // best effort: a failed rewrite fails the bad member later
        }
        release(leg);
        r.outstanding--;
        if (r.outstanding == 0 && r.fullyIssued() && !r.stalled) {
            core.finish(r);
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
        } else if (kind == Op.WRITE || kind == Op.REWRITE) {
            m.writes++;
            m.writtenBytes += length;
            m.writeNanos += nanos;
        }
    }

    /** Re-issues a failed read on another in-sync copy; false when none is left. */
    private boolean retryRead(int leg, ArrayRequest r, int result) {
        if (!core.level.redundant()) {
            return false;
        }
        Member bad = core.members[legs.role[leg]];
        bad.errors++;
        if (++bad.readErrors > core.readErrorLimit && core.failMember(bad.role(), result)) {
            r.needsMetadata = true; // a member that keeps failing reads is failed (md: max_corr_read_errors)
        }
        int next = issuer.chooseReadCopy(legs.arrayOffset[leg], legs.tried[leg]);
        if (next < 0) {
            r.fail(result);
            return false;
        }
        if (legs.badRole[leg] < 0) {
            legs.badRole[leg] = legs.role[leg];
        }
        legs.copy[leg] = next;
        legs.tried[leg] |= 1 << next;
        legs.role[leg] = core.layout.member(legs.arrayOffset[leg], next);
        if (!issuer.prepRead(leg)) {
            legs.defer(leg); // the engine is full: the retry goes out once a completion makes room
        }
        return true;
    }

    private void onLegError(byte kind, Member m, ArrayRequest r, int result) {
        switch (kind) {
            case Op.READ:
                r.fail(result);
                break;
            case Op.DISCARD:
                if (result == -Errno.EOPNOTSUPP) {
                    r.fail(result); // the member cannot discard: not a failure of the member
                    break;
                }
                absorbOrFail(m, r, result);
                break;
            case Op.REWRITE:
                // The data was read from a good copy; the member that cannot take it back is failed.
                if (core.failMember(m.role(), result)) {
                    r.needsMetadata = true;
                }
                break;
            default: // WRITE, FLUSH
                absorbOrFail(m, r, result);
        }
    }

    private void absorbOrFail(Member m, ArrayRequest r, int result) {
        if (core.failMember(m.role(), result)) {
            r.needsMetadata = true;
        } else {
            r.fail(result);
        }
    }
}
