package io.uraid.daemon.events;

import java.util.Collection;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The daemon's heartbeat over its arrays: a thread that has every array's {@link ArrayWatch}
 * look a few times a second. The watches report state changes themselves, as they happen;
 * these looks add the progress of running passes (RebuildNN) and prove that every array's
 * dispatcher answers (systemd's watchdog is fed only after a complete round).
 */
public final class Monitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Monitor.class.getName());
    public static final long DEFAULT_INTERVAL_MILLIS = 200;
    /** mdadm's default --increment. */
    public static final int INCREMENT = 20;

    private final Events events;
    private final Supplier<Collection<ArrayWatch>> watches;
    private final long intervalMillis;
    private final Runnable afterLook;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param watches   the running arrays' watches, asked at every round
     * @param afterLook run after every complete round (systemd's watchdog: a look that hangs on a
     *                  stuck array stops the pings)
     */
    public Monitor(Events events, Supplier<Collection<ArrayWatch>> watches, long intervalMillis, Runnable afterLook) {
        this.events = events;
        this.watches = watches;
        this.intervalMillis = intervalMillis;
        this.afterLook = afterLook;
        this.thread = new Thread(this::loop, "uraid-monitor");
        thread.setDaemon(true);
    }

    public Monitor start() {
        thread.start();
        return this;
    }

    /** One look at every array (the monitor thread's loop body). */
    public void look() {
        for (ArrayWatch w : watches.get()) {
            try {
                w.poll();
            } catch (IllegalStateException e) {
                if (w.watching()) {
                    throw e; // a dispatcher that does not answer: no watchdog ping this round
                } // else stopped between the list and the look
            }
        }
    }

    /** TestMessage for every array (mdadm --monitor --test); returns how many. */
    public int test() {
        int n = 0;
        for (ArrayWatch w : watches.get()) {
            events.publish(new MdEvent("TestMessage", w.name(), null));
            n++;
        }
        return n;
    }

    private void loop() {
        while (!closed) {
            try {
                look();
                afterLook.run();
            } catch (RuntimeException e) {
                LOG.warning("monitor: " + e);
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
