package io.uraid.core.plan;

/**
 * A multi-phase piece of work a level runs for a request (or for a sync window): legs issued in
 * phases (read what is needed, compute on the dispatcher thread, write), scratch buffers that
 * live as long as the plan, and a range lock held from {@link Legs#open} until the plan ends,
 * so overlapping plans run one after the other. The core pools plans; nothing is allocated.
 *
 * <p>The core calls {@link LevelIo#phaseDone} each time every leg of the current phase has
 * ended; the level then issues the next phase, or ends the plan (lock and scratch released;
 * the request completes once its last plan and leg are done).
 */
public interface Plan {

    /** The request the plan serves, or null for a sync window. */
    Request request();

    /**
     * Requests the plan serves: the one it was opened for ({@link #request()}, index 0) and those
     * that joined it ({@link Legs#join}); 0 for a sync window.
     */
    int requests();

    /** Request {@code i} of {@link #requests()}. */
    Request request(int i);

    /** The level's phase number (0 when opened). */
    int phase();

    void phase(int phase);

    /** Native address of scratch buffer {@code i} (0 &lt;= i &lt; the count asked for at open). */
    long scratch(int i);

    /** Bytes of each scratch buffer ({@link LevelIo#scratchBytes()}). */
    int scratchBytes();

    /** Level state kept with the plan: five words, 0 when opened. */
    long word(int i);

    void word(int i, long value);

    /** The first and last lock unit held (as given to {@link Legs#open}). */
    long lockFrom();

    long lockTo();
}
