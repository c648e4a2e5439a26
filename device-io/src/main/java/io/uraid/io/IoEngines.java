package io.uraid.io;

import io.uraid.io.aio.AioEngine;
import io.uraid.io.portable.PortableEngine;
import io.uraid.io.uring.IoUringEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Probing and opening of {@link IoEngine}s. Each engine kind is probed at most once per process
 * (the answer is cached); {@link #openBest} takes the best engine that works here and logs one
 * line saying which one and why better ones were passed over. Every engine handed out is a
 * {@link RoutingEngine} over the chosen kind, so it also opens remote members (NBD URIs).
 */
public final class IoEngines {
    private static final Logger LOG = Logger.getLogger(IoEngines.class.getName());
    /** Probe results: kind -> null (available) or the reason it is not. */
    private static final Map<EngineKind, String> CAUSES = new EnumMap<>(EngineKind.class);
    private static final String AVAILABLE = "";

    private IoEngines() {
    }

    /** Null when {@code kind} can run on this machine, else a one-line reason (probed once). */
    public static String unavailabilityCause(EngineKind kind) {
        synchronized (CAUSES) {
            String cause = CAUSES.get(kind);
            if (cause == null) {
                String probed;
                try {
                    probed = probe(kind);
                } catch (RuntimeException | LinkageError e) {
                    probed = "probe failed: " + e;
                }
                cause = probed == null ? AVAILABLE : probed;
                CAUSES.put(kind, cause);
            }
            return cause == AVAILABLE ? null : cause;
        }
    }

    private static String probe(EngineKind kind) {
        switch (kind) {
            case IO_URING:
                return IoUringEngine.probe();
            case LIBAIO:
                return AioEngine.probe();
            case PORTABLE:
                return PortableEngine.probe();
            default:
                throw new AssertionError(kind);
        }
    }

    private static IoEngine construct(EngineKind kind, int entries) throws IOException {
        return new RoutingEngine(constructLocal(kind, entries), entries);
    }

    private static IoEngine constructLocal(EngineKind kind, int entries) throws IOException {
        switch (kind) {
            case IO_URING:
                return new IoUringEngine(entries);
            case LIBAIO:
                try {
                    return new AioEngine(entries);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            case PORTABLE:
                return new PortableEngine(entries);
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * Opens an engine of the given kind.
     *
     * @throws IOException with a one-line reason, e.g. "io_uring unavailable: kernel.io_uring_disabled=2"
     */
    public static IoEngine open(EngineKind kind, int entries) throws IOException {
        return open(kind, entries, IoEngines::unavailabilityCause);
    }

    /** {@link #open(EngineKind, int)} with the probe given, so tests can play an unavailable engine. */
    static IoEngine open(EngineKind kind, int entries, Function<EngineKind, String> probe) throws IOException {
        String cause = probe.apply(kind);
        if (cause != null) {
            throw new IOException(kind.cliName() + " unavailable: " + cause);
        }
        try {
            return construct(kind, entries);
        } catch (IOException | RuntimeException e) {
            throw new IOException(kind.cliName() + " unavailable: " + reason(kind, e), e);
        }
    }

    /**
     * Opens the best engine that works here (io_uring, then libaio, then portable) and logs one
     * line naming it and why better ones were not used.
     *
     * @throws IOException listing every engine's reason when none works
     */
    public static IoEngine openBest(int entries) throws IOException {
        return openBest(entries, IoEngines::unavailabilityCause);
    }

    /** {@link #openBest(int)} with the probe given, so tests can play an unavailable engine. */
    static IoEngine openBest(int entries, Function<EngineKind, String> probe) throws IOException {
        StringBuilder passedOver = new StringBuilder();
        for (EngineKind kind : EngineKind.values()) {
            String cause = probe.apply(kind);
            if (cause == null) {
                try {
                    IoEngine engine = construct(kind, entries);
                    logChoice(chosenLine(kind, passedOver.toString()));
                    return engine;
                } catch (IOException | RuntimeException e) {
                    cause = reason(kind, e);
                }
            }
            passedOver.append(passedOver.length() == 0 ? "" : "; ").append(kind.cliName())
                    .append(" unavailable: ").append(cause);
        }
        throw new IOException("no I/O engine works here: " + passedOver);
    }

    private static volatile String lastChoice;

    /** Logs the choice at INFO once per process (and again only if it changes): one line, not one per array. */
    private static void logChoice(String line) {
        if (line.equals(lastChoice)) {
            LOG.fine(line);
        } else {
            lastChoice = line;
            LOG.info(line);
        }
    }

    /** Tests: the next choice is logged at INFO again. */
    static void forgetLoggedChoice() {
        lastChoice = null;
    }

    /** "I/O engine: libaio (io_uring unavailable: kernel.io_uring_disabled=2)". */
    static String chosenLine(EngineKind chosen, String passedOver) {
        return "I/O engine: " + chosen.cliName() + (passedOver.isEmpty() ? "" : " (" + passedOver + ")");
    }

    /** An exception's message without a leading "kind: " the engine may already have put there. */
    private static String reason(EngineKind kind, Exception e) {
        String m = String.valueOf(e.getMessage());
        String prefix = kind.cliName() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
