package io.uraid.core.array;

import io.uraid.core.spi.Layout;
import io.uraid.io.IoEngine;

/**
 * What a {@link BackgroundTask} sees of its array: members, layout, events, and member I/O that
 * shares the array's engine and leg table. Operations return false when there is no room (the
 * task tries again on a later pump). Dispatcher thread only.
 */
public final class ArrayIo {
    private final ArrayCore core;

    ArrayIo(ArrayCore core) {
        this.core = core;
    }

    public String name() {
        return core.name;
    }

    public Layout layout() {
        return core.layout;
    }

    public Member member(int role) {
        return core.members[role];
    }

    /**
     * The member of a slot: slots below {@link #raidDisks()} are roles, slot {@code role +
     * raidDisks()} is the device replacing that role's member (null when none). I/O methods take
     * slots.
     */
    public Member slot(int s) {
        return core.slot(s);
    }

    /**
     * Takes lock unit {@code unit} of the array's range lock exclusively (the level's unit, e.g. a
     * stripe), as a plan would: false when a plan holds it. Released with {@link #unlock}.
     */
    public boolean tryLock(long unit) {
        return core.locks.tryAcquire(unit, unit, false);
    }

    /** Gives back a unit taken with {@link #tryLock}. */
    public void unlock(long unit) {
        core.locks.release(unit, unit, false);
    }

    public int raidDisks() {
        return core.members.length;
    }

    /** The events count of the last superblock update. */
    public long events() {
        return core.events;
    }

    /** The largest leg the array issues (what every member takes without the kernel splitting it). */
    public int maxLegBytes() {
        return core.maxLegBytes;
    }

    /** How the array sends legs that must run in order (linked chains, or phases). */
    public ArrayOptions.Ordering ordering() {
        return core.options.ordering();
    }

    /**
     * True when the engine can chain an operation on any of the array's devices (members and
     * replacements) behind one on any other: false where, say, one member is local and another
     * remote, and ordered legs must then go out in phases.
     */
    public boolean linksAcrossMembers() {
        io.uraid.io.BlockDevice first = null;
        for (int s = 0; s < 2 * core.members.length; s++) {
            Member m = core.slot(s);
            if (m == null || m.device() == null) {
                continue;
            }
            if (first == null) {
                first = m.device();
            } else if (!core.engine.canLink(first, m.device()) || !core.engine.canLink(m.device(), first)) {
                return false;
            }
        }
        return true;
    }

    /** Operations that can be issued now. */
    public int room() {
        return Math.min(core.engine.available(), core.legs.available());
    }

    /** Monotonic clock of the dispatcher (nanoseconds). */
    public long now() {
        return System.nanoTime();
    }

    /** Reads {@code length} bytes at absolute byte {@code offset} of the member in {@code role}. */
    public boolean read(BackgroundTask task, int token, int role, long offset, long address, int length) {
        return read(task, token, role, offset, address, length, 0);
    }

    /**
     * A read with engine {@code flags}: {@link IoEngine#LINK} makes the next operation issued
     * (by this task, at once) run after it. A read or write that ends short completes with -EIO.
     */
    public boolean read(BackgroundTask task, int token, int role, long offset, long address, int length, int flags) {
        int leg = acquire(task, token, role);
        if (leg >= 0) {
            core.legs.length[leg] = length;
        }
        return leg >= 0 && issued(leg, role, core.engine.prepRead(core.slot(role).device(), offset, address,
                length, leg, flags));
    }

    /** Writes at absolute byte {@code offset} of a member; {@code fua}: durable at completion. */
    public boolean write(BackgroundTask task, int token, int role, long offset, long address, int length,
                         boolean fua) {
        return write(task, token, role, offset, address, length, fua ? IoEngine.FUA : 0);
    }

    /** A write with engine {@code flags} ({@link IoEngine#FUA}, {@link IoEngine#LINK}); see {@link #read}. */
    public boolean write(BackgroundTask task, int token, int role, long offset, long address, int length, int flags) {
        int leg = acquire(task, token, role);
        if (leg >= 0) {
            core.legs.length[leg] = length;
        }
        return leg >= 0 && issued(leg, role, core.engine.prepWrite(core.slot(role).device(), offset, address,
                length, leg, flags));
    }

    /** Makes every completed write of a member durable. */
    public boolean fsync(BackgroundTask task, int token, int role) {
        int leg = acquire(task, token, role);
        return leg >= 0 && issued(leg, role, core.engine.prepFsync(core.slot(role).device(), true, leg, 0));
    }

    /** The engine's answer for {@code leg}: when it refused, the leg is given back and nothing went out. */
    private boolean issued(int leg, int role, boolean prepared) {
        if (!prepared) {
            core.legs.release(leg);
            core.slot(role).pending--;
        }
        return prepared;
    }

    private int acquire(BackgroundTask task, int token, int role) {
        if (room() < 1) {
            return -1;
        }
        int index = core.taskIndex(task);
        int leg = core.legs.acquire(index, Op.TASK, role);
        core.legs.copy[leg] = token;
        core.legs.length[leg] = 0;
        core.slot(role).pending++;
        return leg;
    }

    /**
     * An I/O error on a member during background work: the member is failed when redundancy
     * allows (returns true), as for a client leg; the superblocks are updated.
     */
    public boolean failMember(int role, int errno) {
        return core.failMember(role, errno);
    }

    /** The level's I/O strategy of this array (its sync passes come from it). */
    public io.uraid.core.plan.LevelIo levelIo() {
        return core.levelIo;
    }

    /** Client requests in flight (a sync throttles to its minimum speed while there are any). */
    public int activeRequests() {
        return core.activeRequests();
    }

    /** Keeps the superblocks from saying clean at stop while the copies may disagree. */
    public void keepDirty(boolean dirty) {
        core.keepDirty = dirty;
    }

    /**
     * A resync stops with the copies known equal below {@code bytes} only: the clean mark the
     * superblocks get at stop records it as md's resync_offset (the next assembly resumes
     * there). Dispatcher thread.
     */
    public void resyncCheckpoint(long bytes) {
        core.metadata.resyncCheckpoint(bytes);
    }

    /** See {@link Membership#installRebuilding}; the level hears of it ({@link io.uraid.core.plan.LevelIo#memberChanged}). */
    public Member installRebuilding(int role, io.uraid.io.BlockDevice device, long dataOffset,
                                    io.uraid.core.sb.MdSuperblock superblock) {
        Member m = core.membership.installRebuilding(role, device, dataOffset, superblock);
        core.levelIo.memberChanged(role, superblock);
        return m;
    }

    /** See {@link Membership#checkpoint}. */
    public void checkpoint(int slot, long bytes) {
        core.membership.checkpoint(slot, bytes);
    }

    /** See {@link Membership#installReplacement}. */
    public Member installReplacement(int role, io.uraid.io.BlockDevice device, long dataOffset,
                                     io.uraid.core.sb.MdSuperblock superblock) {
        return core.membership.installReplacement(role, device, dataOffset, superblock);
    }

    /** See {@link Membership#promoteReplacement}; the level hears of it ({@link io.uraid.core.plan.LevelIo#memberChanged}). */
    public void promoteReplacement(int role, io.uraid.core.sb.MdSuperblock superblock) {
        core.membership.promoteReplacement(role, superblock);
        core.levelIo.memberChanged(role, superblock);
    }

    /** See {@link Membership#dropReplacement}. */
    public void dropReplacement(int role) {
        core.membership.dropReplacement(role);
    }

    /** See {@link Membership#promote}. */
    public void promote(int role, io.uraid.core.sb.MdSuperblock superblock) {
        core.membership.promote(role, superblock);
    }

    /** Asks for a superblock update (state change). */
    public void markMetadataDirty() {
        core.metadata.markDirty();
    }

    /** A change the superblocks do not record (a sync pass began or ended): the array's observer hears of it. */
    public void stateChanged() {
        core.stateChanged = true;
    }
}
