package io.uraid.core.plan;

/**
 * One window of a sync pass (resync, check, repair, rebuild) as the level's strategy sees it:
 * array bytes {@code [start, end)}, kept free of client writes while it runs, with a buffer per
 * copy (or per member a parity level reads), a phase and a few words of the strategy's own.
 * The driver ({@code SyncEngine}) owns windows; a strategy keeps no reference after a call.
 */
public interface Window {

    long start();

    long end();

    /** {@code end - start}. */
    int length();

    /** Native address of window buffer {@code i} (i below the copies of the layout), one window long. */
    long buffer(int i);

    /** The same buffer as a {@link io.uraid.io.NativeBuffer} (for comparisons through views). */
    io.uraid.io.NativeBuffer nativeBuffer(int i);

    int phase();

    void phase(int phase);

    /** Strategy words: four, 0 when the window starts. */
    long word(int i);

    void word(int i, long value);

    /** No copy of the window could be read: it is skipped and counted (nothing to copy from). */
    void unreadable();

    /** A check or repair found {@code sectors} 512-byte sectors differing (md's mismatch_cnt). */
    void mismatched(long sectors);

    /** No working copy is left to read: the pass stops (the array has failed). */
    void failPass();
}
