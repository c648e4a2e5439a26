package io.uraid.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr (journald keeps one entry per line): time, level, source,
 * message and, for a failure, its exception's one-line summary. Stack traces only when
 * URAID_DEBUG is set.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void oneLineToStderr(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler(); // writes to System.err
        h.setFormatter(new OneLine());
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }

    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String source = r.getLoggerName() == null ? "" : r.getLoggerName();
            source = source.substring(source.lastIndexOf('.') + 1);
            StringBuilder b = new StringBuilder(160);
            b.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ')
                    .append(source).append(": ").append(formatMessage(r).replace('\n', ' '));
            Throwable t = r.getThrown();
            if (t != null) {
                b.append(": ").append(t);
                if (System.getenv("URAID_DEBUG") != null) {
                    StringWriter sw = new StringWriter();
                    t.printStackTrace(new PrintWriter(sw));
                    b.append(System.lineSeparator()).append(sw);
                }
            }
            return b.append(System.lineSeparator()).toString();
        }
    }
}
