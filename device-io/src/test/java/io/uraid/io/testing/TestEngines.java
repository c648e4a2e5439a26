package io.uraid.io.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import java.io.IOException;

/**
 * The real I/O engine tests run on: the best this machine has (io_uring, else libaio, else
 * portable), chosen as uraid itself chooses, so a host without io_uring still runs every test
 * that needs real I/O instead of skipping it.
 */
public final class TestEngines {
    private TestEngines() {
    }

    /** The best engine kind that works here; skips the calling test, with every reason, only when none does. */
    public static EngineKind best() {
        StringBuilder why = new StringBuilder();
        for (EngineKind kind : EngineKind.values()) {
            String cause = IoEngines.unavailabilityCause(kind);
            if (cause == null) {
                return kind;
            }
            why.append(why.length() == 0 ? "" : "; ").append(kind.cliName()).append(": ").append(cause);
        }
        assumeTrue(false, "no I/O engine works here: " + why);
        throw new AssertionError("unreachable");
    }

    /**
     * Opens the best engine that works here with {@code entries} queue entries, as uraid's
     * {@link IoEngines#openBest} does (an engine that probes well but cannot be set up gives way
     * to the next); skips the calling test only when none works (see {@link #best()}).
     */
    public static IoEngine open(int entries) throws IOException {
        best();
        return IoEngines.openBest(entries);
    }
}
