package io.uraid.daemon.events;

import io.uraid.core.assembly.OpenArray;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * The daemon's own {@code mdadm --monitor}: a thread that looks at every running array a few
 * times a second and publishes what changed since the last look as md events. Polling, like
 * mdadm, so nothing on the arrays' I/O path knows about it; {@link ArrayState#since} reports
 * changes that began and ended between two looks.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Monitor.class.getName());
    public static final long DEFAULT_INTERVAL_MILLIS = 200;
    /** mdadm's default --increment. */
    public static final int INCREMENT = 20;

    private final Events events;
    private final Supplier<Map<String, OpenArray>> arrays;
    private final ToIntFunction<String> sparesWanted;
    private final long intervalMillis;
    private final Runnable afterLook;
    private final Map<String, ArrayState> last = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param arrays       the running arrays by name, asked at every look
     * @param sparesWanted the spares= of an array's config line, or -1
     * @param afterLook    run after every complete look (systemd's watchdog: a look that hangs on a
     *                     stuck array stops the pings)
     */
    public Monitor(Events events, Supplier<Map<String, OpenArray>> arrays, ToIntFunction<String> sparesWanted,
                   long intervalMillis, Runnable afterLook) {
        this.afterLook = afterLook;
        this.events = events;
        this.arrays = arrays;
        this.sparesWanted = sparesWanted;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "uraid-monitor");
        thread.setDaemon(true);
    }

    public Monitor start() {
        thread.start();
        return this;
    }

    /** One look at every array (the monitor thread's loop body; tests call it directly). */
    public synchronized void look() {
        Map<String, ArrayState> now = new LinkedHashMap<>();
        for (var e : arrays.get().entrySet()) {
            try {
                now.put(e.getKey(), ArrayState.of(e.getKey(), e.getValue()));
            } catch (RuntimeException stopping) {
                // stopped between the list and the look: next time it is gone
            }
        }
        for (var e : now.entrySet()) {
            ArrayState before = last.get(e.getKey());
            var found = before == null ? e.getValue().firstSeen(sparesWanted.applyAsInt(e.getKey()))
                    : e.getValue().since(before, INCREMENT);
            found.forEach(events::publish);
        }
        for (String gone : last.keySet()) {
            if (!now.containsKey(gone)) {
                events.publish(new MdEvent("DeviceDisappeared", gone, null));
            }
        }
        last.clear();
        last.putAll(now);
    }

    /** TestMessage for every array (mdadm --monitor --test). */
    public synchronized int test() {
        int n = 0;
        for (String name : arrays.get().keySet()) {
            events.publish(new MdEvent("TestMessage", name, null));
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
