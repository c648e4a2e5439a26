package io.uraid.levels.ppl;

/**
 * Where the next log write of one member goes, as md places them: one after another while
 * they fit when the area holds several ({@link PplArea#multiple()}), back at the start when the
 * next one would run past the end; always at the start of a small area. Recovery reads the
 * newest of them ({@link PplLogScan}), so md keeps one log write in flight per member and
 * starts the next only when every stripe of the previous one is written.
 */
public final class PplLogCursor {
    private final PplArea area;
    private long next;

    public PplLogCursor(PplArea area) {
        this.area = area;
    }

    /** Device offset for a log write of {@code bytes} (header and partial parity); advances the cursor. */
    public long place(int bytes) {
        if (bytes > area.bytes()) {
            throw new IllegalArgumentException(bytes + " bytes do not fit a PPL area of " + area.bytes());
        }
        if (!area.multiple()) {
            return area.start();
        }
        if (area.bytes() - next < bytes) {
            next = 0;
        }
        long at = next;
        next += bytes;
        return area.start() + at;
    }
}
