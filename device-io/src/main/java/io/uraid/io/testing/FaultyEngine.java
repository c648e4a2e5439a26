package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A decorator over any {@link IoEngine} that injects faults, for tests: errors on chosen devices,
 * byte ranges and operation kinds ({@link FaultRule}), or after a number of operations; added
 * latency on every completion; and a simulated power cut.
 *
 * <p>An operation chosen to fail never reaches its device: it is replaced by a harmless
 * one-block read into a scratch buffer (so the inner engine's LINK chain keeps its shape), and
 * its completion carries the injected error. The operations linked after it complete with
 * {@code -ECANCELED}, as the kernel would cancel them.
 *
 * <p>{@link #powerCut()} makes every later operation fail with EIO, turns completions not yet
 * delivered into EIO (the host "died" before seeing them), and, when the inner engine is a
 * {@link MemoryEngine}, drops every write its disks had not flushed.
 *
 * <p>Rules, latency and the power cut may be changed from any thread while the engine runs.
 */
public final class FaultyEngine extends ForwardingEngine {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final NativeBuffer scratch = NativeBuffer.allocate(4096);
    private volatile long latencyNanos;
    private volatile boolean powerLost;
    // Per inner operation (indexed by the inner user_data): caller's user_data, forced result, issue time.
    private final long[] callerData;
    private final int[] forced;
    private final long[] issuedAt;
    private final int[] freeSlots;
    private int freeCount;
    private boolean chainFailing;
    // Completions reaped from the inner engine, held until their latency has passed (FIFO).
    private final int[] held;
    private final int[] heldResult;
    private int heldHead;
    private int heldCount;
    private final CompletionHandler hold = this::hold;

    /** @param inner   the engine to decorate (owned: closed with this one)
     *  @param entries the most operations in flight at once (at least the inner engine's depth) */
    public FaultyEngine(IoEngine inner, int entries) {
        super(inner);
        int n = Math.max(entries, 1) * 2;
        callerData = new long[n];
        forced = new int[n];
        issuedAt = new long[n];
        freeSlots = new int[n];
        held = new int[n];
        heldResult = new int[n];
        for (int i = 0; i < n; i++) {
            freeSlots[i] = n - 1 - i;
        }
        freeCount = n;
    }

    /** Adds a fault; returns it (its {@link FaultRule#injected()} counts what it did). */
    public FaultRule add(FaultRule rule) {
        rules.add(rule);
        return rule;
    }

    public void remove(FaultRule rule) {
        rules.remove(rule);
    }

    /** Removes every fault (a power cut stays cut). */
    public void clearFaults() {
        rules.clear();
    }

    /** Delays every completion by at least {@code nanos} after its operation was prepared. */
    public void latencyNanos(long nanos) {
        latencyNanos = Math.max(0, nanos);
    }

    /** Cuts the power: see the class comment. */
    public void powerCut() {
        powerLost = true;
        if (inner instanceof MemoryEngine) {
            ((MemoryEngine) inner).powerCut();
        }
    }

    public boolean powerLost() {
        return powerLost;
    }

    @Override
    public String name() {
        return "faulty(" + inner.name() + ")";
    }

    @Override
    public boolean prepRead(BlockDevice d, long offset, long address, int length, long userData, int flags) {
        int f = fault(d, FaultRule.READS, offset, length, flags);
        if (f != 0) {
            return substitute(d, userData, flags, f);
        }
        int slot = take(userData, 0);
        return slot >= 0 && (inner.prepRead(d, offset, address, length, slot, flags) || undo(slot));
    }

    @Override
    public boolean prepWrite(BlockDevice d, long offset, long address, int length, long userData, int flags) {
        int f = fault(d, FaultRule.WRITES, offset, length, flags);
        if (f != 0) {
            return substitute(d, userData, flags, f);
        }
        int slot = take(userData, 0);
        return slot >= 0 && (inner.prepWrite(d, offset, address, length, slot, flags) || undo(slot));
    }

    @Override
    public boolean prepFsync(BlockDevice d, boolean dataOnly, long userData, int flags) {
        int f = fault(d, FaultRule.FLUSHES, 0, 0, flags);
        if (f != 0) {
            return substitute(d, userData, flags, f);
        }
        int slot = take(userData, 0);
        return slot >= 0 && (inner.prepFsync(d, dataOnly, slot, flags) || undo(slot));
    }

    @Override
    public boolean prepDiscard(BlockDevice d, long offset, long length, long userData, int flags) {
        int f = fault(d, FaultRule.DISCARDS, offset, length, flags);
        if (f != 0) {
            return substitute(d, userData, flags, f);
        }
        int slot = take(userData, 0);
        return slot >= 0 && (inner.prepDiscard(d, offset, length, slot, flags) || undo(slot));
    }

    /** The -errno to inject, or 0; also tracks whether the current LINK chain was broken by us. */
    private int fault(BlockDevice d, int kind, long offset, long length, int flags) {
        int f = 0;
        if (chainFailing) {
            f = -Errno.ECANCELED;
        } else if (powerLost) {
            f = -Errno.EIO;
        } else {
            for (FaultRule r : rules) {
                f = r.decide(d.path(), kind, offset, length);
                if (f != 0) {
                    break;
                }
            }
        }
        chainFailing = f != 0 && (flags & LINK) != 0;
        return f;
    }

    private boolean substitute(BlockDevice d, long userData, int flags, int result) {
        int slot = take(userData, result);
        if (slot < 0 || !inner.prepRead(d, 0, scratch.address(), d.logicalBlockSize(), slot, flags & LINK)) {
            if (slot >= 0) {
                undo(slot);
            }
            chainFailing = false; // the caller will retry this operation
            return false;
        }
        return true;
    }

    private int take(long userData, int result) {
        if (freeCount == 0) {
            return -1;
        }
        int slot = freeSlots[--freeCount];
        callerData[slot] = userData;
        forced[slot] = result;
        issuedAt[slot] = System.nanoTime();
        return slot;
    }

    private boolean undo(int slot) {
        freeSlots[freeCount++] = slot;
        return false;
    }

    @Override
    public int available() {
        return Math.min(inner.available(), freeCount);
    }

    @Override
    public int inFlight() {
        return inner.inFlight() + heldCount;
    }

    private void hold(long slot, int result) {
        int tail = (heldHead + heldCount) % held.length;
        held[tail] = (int) slot;
        heldResult[tail] = result;
        heldCount++;
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int delivered = 0;
        while (true) {
            inner.reap(0, hold);
            delivered += deliverDue(handler);
            if (delivered >= minComplete) {
                return delivered;
            }
            if (heldCount > 0) {
                long wait = issuedAt[held[heldHead]] + latencyNanos - System.nanoTime();
                LockSupport.parkNanos(Math.max(wait, 1000));
            } else if (inner.inFlight() > 0 || inner.supportsWakeup()) {
                if (inner.reap(1, hold) == 0) {
                    return delivered; // woken up with nothing to deliver
                }
            } else {
                return delivered;
            }
        }
    }

    private int deliverDue(CompletionHandler handler) {
        int n = 0;
        long latency = latencyNanos;
        long now = latency == 0 ? 0 : System.nanoTime();
        while (heldCount > 0) {
            int slot = held[heldHead];
            if (latency != 0 && now - issuedAt[slot] < latency) {
                break;
            }
            int result = heldResult[heldHead];
            heldHead = (heldHead + 1) % held.length;
            heldCount--;
            if (forced[slot] != 0 && result != -Errno.ECANCELED) {
                result = forced[slot];
            }
            if (powerLost) {
                result = -Errno.EIO;
            }
            long data = callerData[slot];
            freeSlots[freeCount++] = slot;
            handler.onComplete(data, result);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        super.close();
        scratch.close();
    }
}
