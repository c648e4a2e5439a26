package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.array.Member;
import io.uraid.core.plan.Window;
import io.uraid.core.plan.WindowLegs;

/**
 * The {@link WindowLegs} of a sync pass: window legs go out as the engine's background I/O with
 * token {@code lane << 8 | tag}, offsets within the data area become absolute, and each lane
 * counts its legs in flight. Dispatcher thread only.
 */
final class LaneIo implements WindowLegs {
    private final BackgroundTask owner;
    private final RecoverPass recover;
    private ArrayIo io;

    LaneIo(BackgroundTask owner, RecoverPass recover) {
        this.owner = owner;
        this.recover = recover;
    }

    /** The array's I/O, the same object on every call: set before the first window. */
    LaneIo on(ArrayIo arrayIo) {
        this.io = arrayIo;
        return this;
    }

    @Override
    public int raidDisks() {
        return io.raidDisks();
    }

    @Override
    public Member member(int slot) {
        return io.slot(slot);
    }

    @Override
    public boolean linked() {
        return io.ordering() == ArrayOptions.Ordering.LINKED && io.linksAcrossMembers();
    }

    @Override
    public int room() {
        return io.room();
    }

    @Override
    public boolean read(Window w, int tag, int slot, long memberOffset, long address, int length, int flags) {
        return leg(false, (SyncLane) w, tag, slot, memberOffset, address, length, flags);
    }

    @Override
    public boolean write(Window w, int tag, int slot, long memberOffset, long address, int length, int flags) {
        boolean issued = leg(true, (SyncLane) w, tag, slot, memberOffset, address, length, flags);
        if (issued && recover.active() && slot == recover.slot()) {
            recover.copied(length);
        }
        return issued;
    }

    private boolean leg(boolean write, SyncLane l, int tag, int slot, long memberOffset, long address, int length,
                        int flags) {
        long at = io.slot(slot).dataOffset() + memberOffset;
        int token = l.index << 8 | tag;
        if (!(write ? io.write(owner, token, slot, at, address, length, flags)
                : io.read(owner, token, slot, at, address, length, flags))) {
            return false;
        }
        l.legsOutstanding++;
        return true;
    }

    @Override
    public boolean lock(Window w, long unit) {
        SyncLane l = (SyncLane) w;
        if (l.lockedUnit >= 0) {
            throw new IllegalStateException("a window holds one lock unit at most");
        }
        if (!io.tryLock(unit)) {
            return false;
        }
        l.lockedUnit = unit;
        return true;
    }

    /** Gives back the unit lane {@code l} holds, if any (its window ended). */
    void unlock(SyncLane l) {
        if (l.lockedUnit >= 0) {
            io.unlock(l.lockedUnit);
            l.lockedUnit = -1;
        }
    }

    @Override
    public boolean failMember(int slot, int errno) {
        return io.failMember(slot, errno);
    }

    @Override
    public int targetRole() {
        return recover.active() ? recover.role() : -1;
    }

    @Override
    public int targetSlot() {
        return recover.active() ? recover.slot() : -1;
    }
}
