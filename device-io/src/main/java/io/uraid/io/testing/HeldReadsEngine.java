package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine that, while told to, holds back the completions of reads from one device: they are
 * done, but the array hears of them only once {@link #release} is called, so a test can change
 * the array (a rebuild ending, a member failing) between a plan's reads and what it does with them.
 */
public final class HeldReadsEngine extends ForwardingEngine {
    private final Set<Long> holding = ConcurrentHashMap.newKeySet();
    private final List<long[]> held = new ArrayList<>();
    private volatile Path device;
    private volatile boolean released;

    public HeldReadsEngine(IoEngine inner) {
        super(inner);
    }

    /** Holds the completions of reads from {@code path} prepared from now on. */
    public void holdReadsOf(Path path) {
        released = false;
        device = path;
    }

    /** Completions held so far. */
    public int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** The held completions go to the array at its next reap; reads are no longer held. */
    public void release() {
        device = null;
        released = true;
    }

    @Override
    public boolean prepRead(BlockDevice dev, long offset, long address, int length, long userData, int flags) {
        if (dev.path().equals(device)) {
            holding.add(userData);
        }
        return inner.prepRead(dev, offset, address, length, userData, flags);
    }

    @Override
    public int inFlight() {
        return inner.inFlight() + heldCount();
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int delivered = 0;
        if (released) {
            List<long[]> out;
            synchronized (held) {
                out = new ArrayList<>(held);
                held.clear();
            }
            for (long[] c : out) {
                handler.onComplete(c[0], (int) c[1]);
                delivered++;
            }
        }
        return delivered + inner.reap(delivered > 0 ? 0 : minComplete, (userData, result) -> {
            if (holding.remove(userData)) {
                synchronized (held) {
                    held.add(new long[] {userData, result});
                }
            } else {
                handler.onComplete(userData, result);
            }
        });
    }
}
