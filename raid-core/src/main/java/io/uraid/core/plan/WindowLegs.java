package io.uraid.core.plan;

import io.uraid.core.array.Member;

/**
 * The I/O a sync strategy issues for its windows: legs to member slots (offsets within the data
 * area), chained with {@link Legs#LINK} where one must run after another, so the kernel runs the
 * chain without a round trip through the dispatcher. Reads and writes that end short arrive
 * as {@code -EIO}. Dispatcher thread only.
 */
public interface WindowLegs {

    int raidDisks();

    /** The member of a slot (a role, or {@code role + raidDisks()} for its replacement). */
    Member member(int slot);

    /**
     * True (the default) when legs that must run one after another go out as one linked chain;
     * false when the array is set to run them in phases (to measure what linking saves), or its
     * engine cannot chain across its members (a local and a remote member): the strategy then
     * issues the next one from {@link SyncWindows#phaseDone}.
     */
    boolean linked();

    /** Legs that can be issued now; a strategy checks room for a whole chain first. */
    int room();

    /**
     * Issues a read for window {@code w}; {@code tag} (0..255) comes back with its completion.
     * False, with nothing issued, when there is no room.
     */
    boolean read(Window w, int tag, int slot, long memberOffset, long address, int length, int flags);

    /** Issues a write for window {@code w}, as {@link #read}. */
    boolean write(Window w, int tag, int slot, long memberOffset, long address, int length, int flags);

    /**
     * Holds lock unit {@code unit} (the level's unit of the array's range lock, e.g. a stripe)
     * exclusively for window {@code w} until the window ends, so client plans on that unit wait
     * (a parity window's rows belong to array bytes outside the window, which its write gate does
     * not cover). False, with nothing held, when a plan holds it: the strategy returns
     * {@link LevelIo#WAIT}. A window holds at most one unit.
     */
    boolean lock(Window w, long unit);

    /** A leg on {@code slot} failed: fails the member when redundancy allows (true). */
    boolean failMember(int slot, int errno);

    /** A rebuild: the role being rebuilt, or -1 for the other passes. */
    int targetRole();

    /** A rebuild: the slot its copies are written to (the role, or role + raidDisks() for a replacement). */
    int targetSlot();
}
