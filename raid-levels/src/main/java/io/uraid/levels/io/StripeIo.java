package io.uraid.levels.io;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.array.Member;
import io.uraid.core.plan.Legs;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.Request;
import io.uraid.core.spi.Layout;
import io.uraid.io.Errno;

/**
 * The I/O of levels that keep one copy of every byte (linear, raid0): each piece of a request
 * goes to the one member that holds it, and any failed leg fails the request (there is no other
 * copy; the member's error count still records a failed write).
 */
public final class StripeIo implements LevelIo {
    private final Layout layout;

    public StripeIo(Layout layout) {
        this.layout = layout;
    }

    @Override
    public boolean issue(Request r, Legs legs) {
        boolean read = r.op() == Request.READ;
        boolean discard = r.op() == Request.DISCARD;
        int flags = (r.flags() & BlockTarget.FUA) != 0 ? Legs.FUA : 0;
        while (r.cursor() < r.length()) {
            if (legs.room() < 1) {
                return false;
            }
            long at = r.offset() + r.cursor();
            long len = Math.min(Math.min(r.length() - r.cursor(), layout.bytesToBoundary(at)), legs.maxLegBytes());
            int slot = layout.member(at, 0);
            Member m = legs.member(slot);
            if (read ? !m.inSync() : !m.writable()) {
                r.fail(-Errno.EIO); // the only copy is gone: the array has failed
            } else if (read) {
                legs.read(r, slot, layout.memberOffset(at, 0), r.address() + r.cursor(), (int) len, 0);
            } else if (discard) {
                legs.discard(r, slot, layout.memberOffset(at, 0), len);
            } else {
                legs.write(r, slot, layout.memberOffset(at, 0), r.address() + r.cursor(), (int) len, flags);
            }
            r.advance(len);
        }
        return true;
    }

    @Override
    public boolean legDone(Request r, int leg, int result, Legs legs) {
        if (result >= 0) {
            return true;
        }
        if (r.op() == Request.READ || result == -Errno.EOPNOTSUPP) {
            r.fail(result); // a member that cannot discard has not failed
        } else {
            legs.absorbOrFail(r, legs.slot(leg), result);
        }
        return true;
    }
}
