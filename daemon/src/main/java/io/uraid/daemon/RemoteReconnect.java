package io.uraid.daemon;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.io.remote.NbdDevice;
import io.uraid.io.remote.NbdPath;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Automatic re-add of remote members whose URI says {@code reconnect=SECONDS}: a member that
 * failed because its connection broke (not one an administrator failed) is tried again that
 * often, and re-added as {@code uraid add} would (the bitmap limits the rebuild) once its server
 * answers and it is still the member that left. One daemon thread, a look every second.
 */
final class RemoteReconnect implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RemoteReconnect.class.getName());

    private final Supplier<List<ManagedArray>> arrays;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "remote-reconnect");
        t.setDaemon(true);
        return t;
    });
    /** When each broken member was last tried (System.nanoTime), by device. */
    private final Map<NbdDevice, Long> lastTry = new HashMap<>();

    RemoteReconnect(Supplier<List<ManagedArray>> arrays) {
        this.arrays = arrays;
        timer.scheduleWithFixedDelay(this::pass, 1, 1, TimeUnit.SECONDS);
    }

    private void pass() {
        long now = System.nanoTime();
        for (ManagedArray m : arrays.get()) {
            for (Member member : m.array().members()) {
                if (member.state() != MemberState.FAULTY || !(member.device() instanceof NbdDevice d) || !d.failed()) {
                    continue;
                }
                int every = ((NbdPath) d.path()).uri().reconnectSeconds();
                Long last = lastTry.get(d);
                if (every == 0 || last != null && now - last < TimeUnit.SECONDS.toNanos(every)) {
                    continue;
                }
                lastTry.put(d, now);
                try {
                    if (m.open().reAdd(member.role())) {
                        lastTry.remove(d);
                        LOG.warning("array " + m.name() + ": " + d.path() + " answers again: re-added, rebuilding");
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.fine("array " + m.name() + ": " + d.path() + " not back yet: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
