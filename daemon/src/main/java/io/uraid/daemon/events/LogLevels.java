package io.uraid.daemon.events;

import java.util.logging.Level;

/** A JUL level above SEVERE for md's critical events (Fail, DegradedArray), journald priority 2. */
public final class LogLevels extends Level {
    private static final long serialVersionUID = 1L;
    public static final Level CRITICAL = new LogLevels("CRITICAL", 1100);

    private LogLevels(String name, int value) {
        super(name, value);
    }
}
