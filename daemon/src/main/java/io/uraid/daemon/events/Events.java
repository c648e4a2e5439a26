package io.uraid.daemon.events;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where md events go, as {@code mdadm --monitor} sends them. {@link #publish} only appends the
 * event to the {@link EventLog} (arrays publish from their dispatcher threads, which must never
 * wait for a program or a slow reader); one delivery thread then takes every event in order
 * and logs it at its priority, hands it to the configured program (run once per event with
 * {@code EVENT ARRAY [COMPONENT]}, one at a time in order, on a thread of its own) and to the
 * listeners. Every {@code uraid monitor} reads the log from its own position.
 */
public final class Events implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Events.class.getName());
    /** A program still running after this long is killed (mdadm waits forever; a stuck one would hold every later event). */
    private static final long PROGRAM_LIMIT_SECONDS = 60;
    /** How long close waits for the events already published to be delivered. */
    private static final long DRAIN_MILLIS = 5_000;

    private final Path program;
    private final EventLog log;
    private final ExecutorService runner;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread delivery;
    /** The position of the next event the delivery thread hands out. */
    private volatile long delivered = 1;
    private volatile boolean closing;

    private record Listener(long from, Consumer<MdEvent> consumer) {
    }

    /** @param program run for each event, or null for none */
    public Events(Path program) {
        this(program, EventLog.DEFAULT_CAPACITY);
    }

    Events(Path program, int capacity) {
        this.program = program;
        this.log = new EventLog(capacity);
        this.runner = program == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "uraid-event-program");
            t.setDaemon(true);
            return t;
        });
        this.delivery = new Thread(this::deliver, "uraid-events");
        delivery.setDaemon(true);
        delivery.start();
    }

    public Path program() {
        return program;
    }

    /** The numbered events, for followers ({@code uraid monitor}). */
    public EventLog log() {
        return log;
    }

    /** Records the event; it is logged and handed to the program and the listeners in order, soon after. */
    public void publish(MdEvent e) {
        log.append(e);
    }

    /**
     * Calls {@code listener} with every event published from now on, in order, on the delivery
     * thread (keep it short: later events wait for it).
     */
    public void listen(Consumer<MdEvent> listener) {
        listeners.add(new Listener(log.next(), listener));
    }

    private void deliver() {
        long next = 1;
        try {
            while (true) {
                EventLog.Batch b = log.read(next, 256, 500);
                if (b.lost() > 0) {
                    LOG.warning("events: " + b.lost() + " event(s) were published faster than delivered and are "
                            + "not logged or handed to the program");
                }
                for (EventLog.Entry en : b.entries()) {
                    deliver(en.seq(), en.event());
                }
                next = b.next();
                delivered = next;
                if (b.entries().isEmpty() && closing) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(long seq, MdEvent e) {
        LOG.log(level(e.priority()), "event " + e);
        if (runner != null) {
            runner.execute(() -> run(e));
        }
        for (Listener l : listeners) {
            if (seq >= l.from()) {
                try {
                    l.consumer().accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "event listener failed on '" + e + "'", ex);
                }
            }
        }
    }

    private void run(MdEvent e) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(e.arguments());
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(PROGRAM_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warning("event program " + program + " still running after " + PROGRAM_LIMIT_SECONDS
                        + " s for '" + e + "': killed");
            } else if (p.exitValue() != 0) {
                LOG.warning("event program " + program + " exited with " + p.exitValue() + " for '" + e + "'");
            }
        } catch (java.io.IOException ex) {
            LOG.warning("event program " + program + " cannot run: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** JUL level for a syslog priority; {@link LogLevels#CRITICAL} carries md's "critical". */
    static Level level(int priority) {
        return priority <= MdEvent.CRITICAL ? LogLevels.CRITICAL : priority <= MdEvent.WARNING ? Level.WARNING
                : Level.INFO;
    }

    /**
     * Delivers the events already published (logged, handed to the program and listeners), lets
     * the program finish them (a few seconds at most), and wakes every follower.
     */
    @Override
    public void close() {
        long target = log.next();
        closing = true;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        try {
            while (delivered < target && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            log.close();
            delivery.join(1000);
            if (runner != null) {
                runner.shutdown();
                runner.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
