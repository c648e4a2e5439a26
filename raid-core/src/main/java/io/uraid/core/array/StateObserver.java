package io.uraid.core.array;

/**
 * Hears of an array's state changes as they happen: a member failed, was removed, installed or
 * promoted, a replacement came or went, a sync pass began or ended. Called on the array's
 * dispatcher thread at the end of the turn that made the change, before any later change: a
 * look at the array through {@code io} then sees every state the array was in (several changes
 * of one turn are seen together, as one look). Registered with {@link RaidArray#observe} before
 * the array starts.
 */
public interface StateObserver {
    /**
     * The array's state changed during this dispatcher turn. Keep it short and never wait for
     * another thread here: the array serves no request until it returns. Exceptions are logged.
     */
    void changed(ArrayIo io);
}
