package io.uraid.daemon.events;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where md events go, as {@code mdadm --monitor} sends them: the log (every event, at its
 * priority), the configured program (run once per event with {@code EVENT ARRAY [COMPONENT]},
 * one at a time in the order the events happened, on a thread of its own so a slow program
 * never holds up the arrays), and every {@code uraid monitor} following the daemon.
 */
public final class Events implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Events.class.getName());
    /** A program still running after this long is killed (mdadm waits forever; a stuck one would hold every later event). */
    private static final long PROGRAM_LIMIT_SECONDS = 60;
    /** What a follower may fall behind by before it is dropped. */
    private static final int FOLLOWER_BACKLOG = 1024;

    private final Path program;
    private final ExecutorService runner;
    private final List<Consumer<MdEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<BlockingQueue<MdEvent>> followers = new CopyOnWriteArrayList<>();

    /** @param program run for each event, or null for none */
    public Events(Path program) {
        this.program = program;
        this.runner = program == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "uraid-event-program");
            t.setDaemon(true);
            return t;
        });
    }

    public Path program() {
        return program;
    }

    /** Logs the event, hands it to the program and to every follower and listener. */
    public void publish(MdEvent e) {
        LOG.log(level(e.priority()), "event " + e);
        if (runner != null) {
            runner.execute(() -> run(e));
        }
        for (BlockingQueue<MdEvent> q : followers) {
            if (!q.offer(e)) {
                followers.remove(q); // a follower that stopped reading is left behind, not waited for
            }
        }
        for (Consumer<MdEvent> l : listeners) {
            l.accept(e);
        }
    }

    /** Calls {@code listener} with every event from now on (on the publisher's thread; keep it short). */
    public void listen(Consumer<MdEvent> listener) {
        listeners.add(listener);
    }

    /** A queue that receives every event from now on; hand it back to {@link #unfollow}. */
    public BlockingQueue<MdEvent> follow() {
        BlockingQueue<MdEvent> q = new LinkedBlockingQueue<>(FOLLOWER_BACKLOG);
        followers.add(q);
        return q;
    }

    public void unfollow(BlockingQueue<MdEvent> q) {
        followers.remove(q);
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

    /** Lets the program finish the events already handed to it (a few seconds at most). */
    @Override
    public void close() {
        if (runner != null) {
            runner.shutdown();
            try {
                runner.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
