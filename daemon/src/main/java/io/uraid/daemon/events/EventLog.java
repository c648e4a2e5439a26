package io.uraid.daemon.events;

import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's md events in the order they happened, numbered 1, 2, 3...: appending never waits
 * for a reader (arrays append from their dispatcher threads), and every reader (the event
 * program's runner, each {@code uraid monitor}) reads from its own position, so a slow reader
 * neither holds up the arrays nor makes another miss an event. The last {@link #capacity()}
 * events are held; a reader that falls further behind is told how many it lost instead of
 * silently skipping them.
 */
public final class EventLog {
    /** Events held by default: hours of a busy host's events, a few hundred KiB. */
    public static final int DEFAULT_CAPACITY = 4096;

    /** One event and its number. */
    public record Entry(long seq, MdEvent event) {
    }

    /**
     * What a read found.
     *
     * @param entries the events from the position asked for on, oldest first (empty on timeout)
     * @param lost    events between the position asked for and the first entry that are no longer held
     * @param next    the position to read from next
     */
    public record Batch(List<Entry> entries, long lost, long next) {
    }

    private final MdEvent[] ring;
    /** The number the next event gets (1 for the first). */
    private long next = 1;
    private boolean closed;

    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ring = new MdEvent[capacity];
    }

    public int capacity() {
        return ring.length;
    }

    /** Appends {@code e} and returns its number. Never blocks for long (readers copy out under the lock). */
    public synchronized long append(MdEvent e) {
        long seq = next++;
        ring[(int) (seq % ring.length)] = e;
        notifyAll();
        return seq;
    }

    /** The number the next event will get: a reader starting here sees every event from now on. */
    public synchronized long next() {
        return next;
    }

    /** The number of the oldest event still held. */
    private long oldest() {
        return Math.max(1, next - ring.length);
    }

    /**
     * The events numbered {@code from} on (at most {@code max}), waiting up to {@code timeoutMillis}
     * for the first one; an empty batch after the timeout or once the log is closed.
     */
    public synchronized Batch read(long from, int max, long timeoutMillis) throws InterruptedException {
        long until = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (next <= Math.max(from, 1) && !closed) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        long start = Math.max(Math.max(from, 1), oldest());
        long lost = start - Math.max(from, 1);
        List<Entry> out = new ArrayList<>();
        for (long s = start; s < next && out.size() < max; s++) {
            out.add(new Entry(s, ring[(int) (s % ring.length)]));
        }
        return new Batch(out, lost, start + out.size());
    }

    /** Wakes every waiting reader; later reads return what is held without waiting. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
