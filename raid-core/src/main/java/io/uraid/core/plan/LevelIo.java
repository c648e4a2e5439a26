package io.uraid.core.plan;

/**
 * A level's I/O for one array, next to its pure {@link io.uraid.core.spi.Layout}: it turns each
 * request into legs and hears how each leg ended. The core owns the ring, the pools, the
 * dispatcher, the engine and the one place where a request completes (after its last leg, with
 * the first error it met). Flushes are the core's (every member takes one).
 *
 * <p>All methods run on the array's dispatcher thread and must not allocate.
 */
public interface LevelIo {
    /** {@link #phaseDone}: the plan is over (lock and scratch are released). */
    int DONE = 0;
    /** {@link #phaseDone}: the next phase's legs were issued (none issued: asked again at once). */
    int NEXT = 1;
    /** {@link #phaseDone}: no room for the next phase now; asked again once legs complete. */
    int WAIT = 2;
    /**
     * {@link #phaseDone}: the plan waits for something only another leg's completion brings
     * (another plan's write, say); asked again after the next completion, not every turn, so an
     * array whose plans only wait for completions sleeps in the engine.
     */
    int WAIT_EVENT = 3;
    /**
     * {@link #phaseDone}: the plan waits, with no legs, until the level itself calls
     * {@link Legs#resume} (a write gathering others in a stripe cache; the level must resume it
     * no later than {@link #endOfBatch}).
     */
    int HOLD = 4;

    /**
     * Maps request {@code r} (a read, write or discard) from its cursor into legs, advancing the
     * cursor past each piece it issued. Returns true when the whole request is mapped, false when
     * it stopped for room (it is called again, from the cursor, once legs complete).
     */
    boolean issue(Request r, Legs legs);

    /**
     * Leg {@code leg} of {@code r} ended with {@code result}: bytes, or {@code -errno} (a short
     * transfer arrives as {@code -EIO}). Returns true when the leg is finished, false when the
     * level sent it again ({@link Legs#retry}).
     */
    boolean legDone(Request r, int leg, int result, Legs legs);

    /**
     * Every leg of plan {@code p}'s current phase has ended ({@link #legDone} heard each): the
     * level computes what it must (on this, the dispatcher, thread) and issues the next phase
     * ({@link #NEXT}), finds no room for it ({@link #WAIT}, nothing issued), or ends the plan
     * ({@link #DONE}). Levels without plans never see this.
     */
    default int phaseDone(Plan p, Legs legs) {
        return DONE;
    }

    /**
     * The device of {@code superblock} takes {@code role}: a spare or a re-added member installed
     * to be rebuilt, or a replacement whose copy is complete. What the level keeps beside the
     * data of that role from now on lives where this device's own superblock says (md's raid5
     * partial parity log follows the device in each role). A membership change, not a request:
     * it may allocate.
     */
    default void memberChanged(int role, io.uraid.core.sb.MdSuperblock superblock) {
    }

    /**
     * The writes the device of {@code superblock} needs before a rebuild of {@code role} copies
     * anything to it ({@link MemberSetup}); {@link MemberSetup#NONE} by default. Asked when a
     * rebuild starts from the beginning, not when one resumes at assembly (the device had its
     * setup when the rebuild began). A membership change, not a request: it may allocate.
     */
    default MemberSetup setup(int role, io.uraid.core.sb.MdSuperblock superblock) {
        return MemberSetup.NONE;
    }

    /** The array's options, once, before it starts (a parity level sizes its stripe cache). */
    default void configure(io.uraid.core.array.ArrayOptions options) {
    }

    /** Stripes whose partial writes the level gathers within a turn (md's stripe_cache_size); 0: none. */
    default int stripeCacheSize() {
        return 0;
    }

    /**
     * The dispatcher has taken this turn's requests (the end of the ring's batch): nothing a
     * level holds back to gather ({@link #HOLD}) may wait past this call, so a lone request's
     * latency does not change. Called once per turn, with or without new requests.
     */
    default void endOfBatch(Legs legs) {
    }

    /**
     * The strategy of sync pass {@code action} (resync, check, repair, recover) on this array,
     * issuing through {@code io}; null when the level has no redundancy to sync.
     */
    default SyncWindows sync(io.uraid.core.sync.SyncAction action, WindowLegs io) {
        return null;
    }

    /** Buffers (one sync window long) each window of a sync pass uses: a mirror reads every copy into its own. */
    default int syncBuffers() {
        return 0;
    }

    /** Bytes of one scratch buffer; 0 when the level uses none. */
    default int scratchBytes() {
        return 0;
    }

    /** Scratch buffers the array keeps for this level's plans. */
    default int scratchBuffers() {
        return 0;
    }
}
