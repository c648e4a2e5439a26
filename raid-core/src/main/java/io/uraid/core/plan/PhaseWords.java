package io.uraid.core.plan;

/**
 * The state a level keeps on a {@link Plan} or a {@link Window} between its phases: a phase
 * number and five words, reset when the plan or window starts. Dispatcher thread only.
 */
public abstract class PhaseWords {
    private int phase;
    private final long[] words = new long[5];

    /** The level's phase number (0 at the start). */
    public final int phase() {
        return phase;
    }

    public final void phase(int p) {
        phase = p;
    }

    /** Word {@code i} (0..4) of the level's own state, 0 at the start. */
    public final long word(int i) {
        return words[i];
    }

    public final void word(int i, long value) {
        words[i] = value;
    }

    /** Back to phase 0 and zero words. */
    protected final void resetPhases() {
        phase = 0;
        java.util.Arrays.fill(words, 0);
    }
}
