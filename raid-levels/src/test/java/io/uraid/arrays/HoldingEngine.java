package io.uraid.arrays;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.ForwardingEngine;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds back the writes to one device's data area (a slow or unreachable mirror half) until the
 * test releases them: they count as in flight and complete only after {@link #release}.
 */
final class HoldingEngine extends ForwardingEngine {
    private final Path device;
    /** Writes at or past this byte of the device are held; none until {@link #holdFrom}. */
    private volatile long from = Long.MAX_VALUE;
    private volatile boolean holding = true;
    private final ArrayDeque<Object[]> held = new ArrayDeque<>();
    private volatile int heldCount;

    HoldingEngine(IoEngine inner, Path device) {
        super(inner);
        this.device = device;
    }

    /** Starts holding the writes at or past byte {@code offset} (the member's data area). */
    void holdFrom(long offset) {
        from = offset;
    }

    /** Writes held so far and not yet released. */
    int held() {
        return heldCount;
    }

    /** Lets every held write (and every later one) through. */
    void release() {
        holding = false;
    }

    @Override
    public boolean prepWrite(BlockDevice d, long offset, long address, int length, long userData, int flags) {
        if (holding && offset >= from && d.path().equals(device)) {
            held.add(new Object[] {d, offset, address, length, userData, flags});
            heldCount = held.size();
            return true;
        }
        return inner.prepWrite(d, offset, address, length, userData, flags);
    }

    @Override
    public int inFlight() {
        return inner.inFlight() + held.size();
    }

    @Override
    public int available() {
        return inner.available() - held.size();
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        if (!holding && !held.isEmpty()) {
            while (!held.isEmpty()) {
                Object[] w = held.poll();
                if (!inner.prepWrite((BlockDevice) w[0], (long) w[1], (long) w[2], (int) w[3], (long) w[4], (int) w[5])) {
                    held.addFirst(w);
                    break;
                }
            }
            heldCount = held.size();
            inner.submit();
        }
        int n = inner.reap(0, handler);
        if (n == 0 && minComplete > 0) {
            LockSupport.parkNanos(100_000); // what is held completes later: do not spin hard
        }
        return n;
    }
}
