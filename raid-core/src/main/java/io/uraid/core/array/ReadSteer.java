package io.uraid.core.array;

/**
 * Picks the copy a read must use while copies may disagree (a resync in progress): reads of a
 * region not yet resynced go to the copy the resync copies from, so a reader never sees one
 * value and then another. Dispatcher thread only.
 */
public interface ReadSteer {
    /** The copy index to read {@code [offset, offset + length)} from, or -1 for any in-sync copy. */
    int copyFor(long offset, long length);
}
