package io.uraid.cli.cmd;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar for a long foreground tool, redrawn in place with a carriage return,
 * on stderr, and only when the user sits at a terminal ({@link System#console()}): piped or
 * redirected output gets nothing extra. Redrawn at most five times a second.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintWriter err;
    private final String label;
    private final boolean enabled;
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintWriter err, String label, boolean enabled) {
        this.err = err;
        this.label = label;
        this.enabled = enabled;
    }

    /** A bar on {@code err} when this process runs at a terminal, else one that draws nothing. */
    static ProgressBar onTerminal(PrintWriter err, String label) {
        return new ProgressBar(err, label, System.console() != null);
    }

    /** Shows {@code fraction} (0..1) done, with {@code detail} after the percentage. */
    void update(double fraction, String detail) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (lastDraw != 0 && now - lastDraw < REDRAW_NANOS && fraction < 1) {
            return;
        }
        lastDraw = now;
        String line = render(label, fraction, detail);
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    /** "label [=========>          ]  42.0% detail". */
    static String render(String label, double fraction, String detail) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) (f * WIDTH);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        return String.format(Locale.ROOT, "%s [%s] %5.1f%%%s", label, bar, f * 100,
                detail == null || detail.isEmpty() ? "" : " " + detail);
    }

    /** Clears the bar's line, so what follows starts on a clean line. */
    @Override
    public void close() {
        if (enabled && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
        }
    }
}
