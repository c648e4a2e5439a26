package io.uraid.core.plan;

import io.uraid.core.array.Member;

/**
 * What a level's I/O strategy may do with the array's members: issue legs (one engine operation
 * each) for a request, and keep a few level fields with each leg until it completes. The core
 * adds each member's data offset, counts legs per member, and completes the request once, after
 * its last leg. Dispatcher thread only; nothing here allocates.
 *
 * <p>Slots: slot {@code role} is the member of that role; slot {@code role + raidDisks()} is the
 * device being copied in to replace it (md's replacement), when there is one.
 *
 * <p>Room: a level checks {@link #room()} before mapping a piece and issues every leg of the
 * piece or none; with room checked, the issuing methods do not fail. Legs that must run in order
 * are issued with {@link #LINK}: the next leg issued runs only after this one succeeded, and is
 * canceled ({@code -ECANCELED}) when it fails; a level checks room for the whole chain first.
 */
public interface Legs {
    /** Leg flag: the next leg issued runs after this one (and is canceled if this one fails). */
    int LINK = io.uraid.io.IoEngine.LINK;
    /** Leg flag for writes: durable when complete. */
    int FUA = io.uraid.io.IoEngine.FUA;

    /** Raid devices (roles). */
    int raidDisks();

    /** The member of a slot (a role, or {@code role + raidDisks()} for its replacement). */
    Member member(int slot);

    /** The device replacing the member of {@code role} while it stays in service, or null. */
    Member replacement(int role);

    /** Devices being copied in as replacements (each takes every write of its role). */
    int replacements();

    /** The largest leg: what every member takes without the kernel splitting it. */
    int maxLegBytes();

    /** Legs that can be issued now. */
    int room();

    /**
     * Opens a plan for {@code r} holding the range lock on units {@code [lockFrom, lockTo]}
     * (the level's units, e.g. stripes; {@code shared}: plans that only read may hold a unit
     * together), with {@code scratch} scratch buffers. Returns null when the units are held by
     * another plan or no plan or scratch is free: the level then stops mapping the request (its
     * {@link LevelIo#issue} returns false) and is called again later. A level checks room for
     * the plan's first phase before opening it.
     */
    Plan open(Request r, long lockFrom, long lockTo, boolean shared, int scratch);

    /**
     * Request {@code r} joins open plan {@code p} (e.g. writes to one stripe gathered into one
     * plan): {@code r} counts {@code p} as one outstanding item and completes only after it has
     * ended, and the level may keep {@code r} (as {@link Plan#request(int)}) until then. False,
     * with nothing changed, when the plan serves {@link #MAX_JOINED} + 1 requests already.
     */
    boolean join(Plan p, Request r);

    /** Requests that may join one plan. */
    int MAX_JOINED = 31;

    /**
     * Plan {@code p}, held ({@link LevelIo#HOLD}), goes on: its level's {@link LevelIo#phaseDone}
     * is called now (from inside this call).
     */
    void resume(Plan p);

    /**
     * True when a plan holds lock unit {@code unit} exclusively (a stripe being written): request
     * {@code r} then waits aside for it, as for a lock, and its level returns false from
     * {@link LevelIo#issue}; it is called again once plans end.
     */
    boolean waitIfHeld(Request r, long unit);

    /** Issues a read leg of plan {@code p}, as {@link #read(Request, int, long, long, int, int)}. */
    int read(Plan p, int slot, long memberOffset, long address, int length, int flags);

    /** Issues a write leg of plan {@code p}. */
    int write(Plan p, int slot, long memberOffset, long address, int length, int flags);

    /**
     * Issues a flush (fsync) of the slot's device as a leg of plan {@code p}: the writes that
     * completed before it are durable when it completes. {@link #LINK} runs the next leg after it.
     * The core hears its completion (a failure fails the member, as a request's flush does);
     * the level does not.
     */
    int flush(Plan p, int slot, int flags);

    /** The plan a leg belongs to, or null for a leg issued for its request directly. */
    Plan plan(int leg);

    /**
     * Issues a read of {@code length} bytes at {@code memberOffset} of the slot's data area into
     * {@code address}, for {@code r}. Returns the leg number.
     */
    int read(Request r, int slot, long memberOffset, long address, int length, int flags);

    /** Issues a write, as {@link #read}. */
    int write(Request r, int slot, long memberOffset, long address, int length, int flags);

    /**
     * Issues a write to a write-mostly member behind its request (md's write-behind): from a copy
     * of the bytes, so the request may complete before this leg does, once a leg of it to a
     * member that is not write-mostly has succeeded. Returns the leg number, or -1 when it
     * cannot go behind (write-behind off, {@code length} over {@link #behindBytes()}, the limit
     * of such writes in flight reached): the level then issues an ordinary {@link #write}.
     */
    int writeBehind(Request r, int slot, long memberOffset, long address, int length, int flags);

    /**
     * True when a write-behind leg still in flight on {@code slot} overlaps {@code [memberOffset,
     * memberOffset + length)} of its data area: a write there must wait (its level returns false
     * from {@link LevelIo#issue} and is called again after completions), or the member could end
     * up with the older bytes, the client having seen the older write complete before it sent the
     * newer one.
     */
    boolean behindOverlaps(int slot, long memberOffset, long length);

    /** The longest write-behind leg, or 0 when the array has write-behind off. */
    int behindBytes();

    /** Issues a discard of {@code length} bytes at {@code memberOffset} of the slot's data area. */
    int discard(Request r, int slot, long memberOffset, long length);

    /**
     * Sends failed leg {@code leg} again, to {@code slot} at {@code memberOffset} (another copy):
     * it keeps its number and fields; when the engine is full it waits for room.
     */
    void retry(int leg, int slot, long memberOffset);

    /** The slot a leg went to. */
    int slot(int leg);

    /** The leg's buffer address and length. */
    long address(int leg);

    int length(int leg);

    /** Level fields kept with a leg: a small tag (what the leg is for), a copy index, an array offset, a mask. */
    void note(int leg, int tag, int copy, long arrayOffset);

    int tag(int leg);

    int copy(int leg);

    long arrayOffset(int leg);

    /** A second slot kept with the leg (a mirror: the copy that failed and must be rewritten), -1 when none. */
    int otherSlot(int leg);

    void otherSlot(int leg, int slot);

    /** A bit mask kept with the leg (a mirror: the copies already tried). */
    int mask(int leg);

    void mask(int leg, int mask);

    /**
     * A leg on {@code slot} failed with {@code errno}: the member is failed when redundancy
     * allows (true), as md never fails the last copy. The superblocks are updated.
     */
    boolean failMember(int slot, int errno);

    /**
     * A write-like leg of {@code r} failed on {@code slot}: the member is failed and the request
     * waits for the superblocks to say so (redundancy absorbed it), or the request fails.
     */
    default void absorbOrFail(Request r, int slot, int errno) {
        if (failMember(slot, errno)) {
            r.recordFailureFirst();
        } else {
            r.fail(errno);
        }
    }

    /**
     * A read on {@code slot} failed and will be tried on another copy: counts it as an error of
     * the member and as a corrected read error (md's read_errors); returns the latter.
     */
    long countReadError(int slot);

    /** Read errors a member may have corrected from another copy before it is failed (md's max_corr_read_errors). */
    int readErrorLimit();

    /**
     * The copy reads of {@code [offset, offset + length)} must use while a resync owes that
     * range (copies may disagree), or -1 for any in-sync copy.
     */
    int steer(long offset, long length);
}
