package io.uraid.daemon;

import java.util.logging.LogManager;

/**
 * A LogManager that keeps its handlers until the process ends. The JDK's default resets logging
 * in its own shutdown hook, which races with the daemon's: the records of a clean stop after
 * SIGTERM ("array stopped (clean)") would be lost. Installed by the launcher through the
 * {@code java.util.logging.manager} system property, before anything logs.
 */
public final class KeepLoggingManager extends LogManager {
    @Override
    public void reset() {
        // Handlers flush after every record (one-line stderr); nothing needs closing at exit.
    }
}
