package io.uraid.io.remote;

import java.util.concurrent.TimeUnit;

/**
 * Fails the devices of an {@link NbdEngine} whose requests stay unanswered longer than their
 * URI's timeout: over a link that went dark (no reset, just silence) TCP would wait a quarter
 * of an hour, and the array with it. One daemon thread per engine, started with its first
 * device; it scans the engine's slots a few times a second.
 */
final class NbdWatchdog implements Runnable {
    private static final long PERIOD_MILLIS = 250;

    private final NbdEngine engine;
    private Thread thread;
    private volatile boolean stopping;

    NbdWatchdog(NbdEngine engine) {
        this.engine = engine;
    }

    synchronized void ensureRunning() {
        if (thread == null) {
            thread = new Thread(this, "nbd-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
    }

    synchronized void stop() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (NbdDevice d : engine.devices) {
                d.checkTimeouts(now);
            }
        }
    }

    /** How long {@code slot} has waited for its answer, or -1 when it is not on the wire. */
    static long waited(NbdEngine engine, int slot, int linkId, long now) {
        if (engine.onWire.get(slot) != linkId) {
            return -1;
        }
        return TimeUnit.NANOSECONDS.toMillis(now - engine.sentNanos[slot]);
    }
}
