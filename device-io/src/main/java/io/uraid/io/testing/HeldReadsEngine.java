package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine that holds back the completions of reads from chosen devices: those legs stay in
 * flight (as a slow disk's would) until the test releases that device, so a test can change
 * the array (a rebuild ending, a member failing) between a plan's reads and what it does with
 * them, or fail it with reads outstanding.
 */
public final class HeldReadsEngine extends ForwardingEngine {
    /** Leg user data of held reads, by the device they read. */
    private final Map<Long, Path> legs = new ConcurrentHashMap<>();
    private final Map<Path, Boolean> holding = new ConcurrentHashMap<>();
    /** Completions held: {user data, result}; dispatcher thread only. */
    private final ArrayDeque<long[]> held = new ArrayDeque<>();
    private volatile int heldCount;

    public HeldReadsEngine(IoEngine inner) {
        super(inner);
    }

    /** Holds the completions of reads from {@code path} prepared from now on. */
    public void hold(Path path) {
        holding.put(path, Boolean.TRUE);
    }

    /** The held reads of {@code path} complete at the next reap; later ones are not held. */
    public void release(Path path) {
        holding.remove(path);
    }

    /** Completions held now. */
    public int heldCount() {
        return heldCount;
    }

    @Override
    public boolean prepRead(BlockDevice dev, long offset, long address, int length, long userData, int flags) {
        boolean ok = inner.prepRead(dev, offset, address, length, userData, flags);
        if (ok && holding.containsKey(dev.path())) {
            legs.put(userData, dev.path());
        }
        return ok;
    }

    @Override
    public int inFlight() {
        return inner.inFlight() + heldCount;
    }

    @Override
    public int available() {
        return inner.available() - heldCount;
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int n = 0;
        for (int i = held.size(); i > 0; i--) {
            long[] c = held.poll();
            if (holding.containsKey(legs.get(c[0]))) {
                held.add(c);
            } else {
                legs.remove(c[0]);
                handler.onComplete(c[0], (int) c[1]);
                n++;
            }
        }
        int before = held.size();
        // While completions are held, a release from another thread must be seen without a
        // wake-up: do not block in the inner engine then.
        n += inner.reap(held.isEmpty() && n == 0 ? minComplete : 0, (userData, result) -> {
            if (legs.containsKey(userData)) {
                held.add(new long[] {userData, result});
            } else {
                handler.onComplete(userData, result);
            }
        });
        n -= held.size() - before; // held ones were not delivered
        heldCount = held.size();
        return n;
    }
}
