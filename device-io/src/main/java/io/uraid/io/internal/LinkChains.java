package io.uraid.io.internal;

/**
 * Linked chains ({@code IoEngine.LINK}) kept in user space, for engines whose kernel interface
 * has no links (kernel AIO, the portable engine). Operations are slot indexes; a member of a
 * chain is held back until its predecessor has completed in full, and when one fails the rest
 * of its chain is canceled. Like io_uring, a chain never spans two submissions.
 *
 * <p>Preallocated: nothing here allocates after construction. Not thread-safe: the engine's
 * issuer thread owns it.
 */
public final class LinkChains {

    /** Where the slots go once their fate is known; implemented once by each engine. */
    public interface Sink {
        /** {@code slot} waits for nothing any more: hand it to the device. */
        void start(int slot);

        /** {@code slot}'s predecessor failed: complete it with {@code -ECANCELED}. */
        void cancel(int slot);
    }

    private final Sink sink;
    private final int[] next;
    private final boolean[] held;
    private final IntDeque prepared;
    private int chainTail = -1;

    /** Chains over slots {@code 0..entries-1}. */
    public LinkChains(int entries, Sink sink) {
        this.sink = sink;
        next = new int[entries];
        held = new boolean[entries];
        prepared = new IntDeque(entries);
    }

    /** Queues a prepared slot, appending it to the open chain, which it keeps open when {@code link}. */
    public void prepare(int slot, boolean link) {
        next[slot] = -1;
        held[slot] = chainTail >= 0;
        if (chainTail >= 0) {
            next[chainTail] = slot;
        }
        chainTail = link ? slot : -1;
        prepared.addLast(slot);
    }

    /** Slots prepared and not yet submitted. */
    public int preparedCount() {
        return prepared.size();
    }

    /**
     * When exactly one slot is prepared and it waits for nothing, takes it out (ending the open
     * chain) and returns it, for an engine that runs it on the spot; else returns -1.
     */
    public int takeSole() {
        if (prepared.size() != 1 || held[prepared.peekFirst()]) {
            return -1;
        }
        chainTail = -1;
        return prepared.pollFirst();
    }

    /**
     * Submits every prepared slot: those that wait for nothing go to {@link Sink#start}, the
     * others stay held until their predecessor finishes; ends the open chain.
     *
     * @return how many slots were prepared
     */
    public int submit() {
        int n = prepared.size();
        while (!prepared.isEmpty()) {
            int s = prepared.pollFirst();
            if (!held[s]) {
                sink.start(s);
            }
        }
        chainTail = -1;
        return n;
    }

    /**
     * Records that {@code slot} finished; {@code ok} means it succeeded in full (an error or a
     * short transfer is a failure). Starts its successor, or cancels the rest of its chain. A slot
     * that was itself canceled is still held, and its successors were canceled with it.
     */
    public void finished(int slot, boolean ok) {
        int nx = next[slot];
        if (nx < 0 || held[slot]) {
            return;
        }
        if (ok) {
            held[nx] = false;
            sink.start(nx);
            return;
        }
        for (int c = nx; c >= 0; c = next[c]) {
            sink.cancel(c);
        }
    }
}
