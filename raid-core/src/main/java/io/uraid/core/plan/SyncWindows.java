package io.uraid.core.plan;

/**
 * How one sync pass (md's resync, check, repair, recovery) works on an array of a level, one
 * window at a time: the driver ({@code SyncEngine}) walks the array, keeps client writes out of
 * each window while it runs, throttles, checkpoints and reports progress; the strategy issues
 * each window's legs and decides what their results mean. Each {@link io.uraid.core.sync.SyncAction}
 * is one strategy; a parity level adds its own (recompute parity, rebuild a chunk from the others).
 *
 * <p>Dispatcher thread only, allocation-free per window.
 */
public interface SyncWindows {

    /** The window starting at {@code start} ends at or before {@code end}: at the level's next boundary. */
    long windowEnd(long start, long end);

    /**
     * Starts window {@code w}: issues its first phase ({@link LevelIo#NEXT}), finds no room
     * ({@link LevelIo#WAIT}: asked again later), or finds nothing to do ({@link LevelIo#DONE}).
     */
    int start(Window w, WindowLegs io);

    /** A leg of {@code w} ended with {@code result} (bytes or -errno); {@code tag} as issued. */
    void legDone(Window w, int tag, int result, WindowLegs io);

    /** Every leg of {@code w}'s phase has ended: next phase, wait for room, or done (as {@link LevelIo#phaseDone}). */
    int phaseDone(Window w, WindowLegs io);

    /**
     * The copy reads of {@code [offset, offset + length)} must use while this pass still owes
     * that range, or -1 for any (a resync copies one copy over the others: until it has,
     * readers must see only that one).
     */
    default int steer(long offset, long length) {
        return -1;
    }

    /**
     * A rebuild of {@code role} resumed from a checkpoint: true when its part of
     * {@code [start, end)} lies below {@code resumeFrom} bytes of its data area (done before).
     * The default is the arithmetic of layouts that keep whole copies.
     */
    default boolean rebuiltBefore(io.uraid.core.spi.Layout layout, int role, long start, long end, long resumeFrom) {
        return CopyLayouts.rebuiltBefore(layout, role, start, end, resumeFrom);
    }

    /**
     * A rebuild of {@code role}: the bytes at the start of its data area all of whose content
     * comes from array bytes below {@code prefix} (what a checkpoint may record once every window
     * below the prefix has completed), at least {@code recorded}. The default is the arithmetic
     * of layouts that keep whole copies; a parity level answers in whole stripes.
     */
    default long rebuiltBelow(io.uraid.core.spi.Layout layout, int role, long prefix, long recorded) {
        return CopyLayouts.rebuiltBelow(layout, role, prefix, recorded);
    }
}
