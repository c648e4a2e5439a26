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
 * URAID_DEBUG is set. When stderr is the journal (systemd sets $JOURNAL_STREAM to its
 * device:inode), each line starts with its syslog priority instead of the time, as
 * sd-daemon(3) describes: "&lt;2&gt;" for md's critical events, "&lt;3&gt;" errors, "&lt;4&gt;"
 * warnings, "&lt;6&gt;" information, "&lt;7&gt;" debug.
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
        h.setFormatter(new OneLine(stderrIsJournal(System.getenv("JOURNAL_STREAM"))));
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
    }

    /** True when $JOURNAL_STREAM names the file stderr is (compared by device and inode). */
    static boolean stderrIsJournal(String journalStream) {
        if (journalStream == null || !journalStream.contains(":")) {
            return false;
        }
        try {
            java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
            long dev = ((Number) java.nio.file.Files.getAttribute(fd2, "unix:dev")).longValue();
            long ino = ((Number) java.nio.file.Files.getAttribute(fd2, "unix:ino")).longValue();
            return journalStream.equals(dev + ":" + ino);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The syslog priority journald reads from a line's "&lt;N&gt;" prefix. */
    static int priority(Level level) {
        int v = level.intValue();
        return v > Level.SEVERE.intValue() ? 2 : v >= Level.SEVERE.intValue() ? 3 : v >= Level.WARNING.intValue() ? 4
                : v >= Level.INFO.intValue() ? 6 : 7;
    }

    static final class OneLine extends Formatter {
        private final boolean journal;

        OneLine(boolean journal) {
            this.journal = journal;
        }

        @Override
        public String format(LogRecord r) {
            String source = r.getLoggerName() == null ? "" : r.getLoggerName();
            source = source.substring(source.lastIndexOf('.') + 1);
            StringBuilder b = new StringBuilder(160);
            if (journal) { // journald stamps the time itself
                b.append('<').append(priority(r.getLevel())).append('>').append(r.getLevel().getName()).append(' ');
            } else {
                b.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ');
            }
            b.append(source).append(": ").append(formatMessage(r).replace('\n', ' '));
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
