package io.uraid.io.internal;

import static io.uraid.io.internal.OpSlots.*;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.lang.reflect.Array;

/**
 * What the engines that run operations themselves (kernel AIO, the portable engine) share,
 * whatever runs them: the {@code prep*} methods check their arguments ({@link PrepChecks}) and
 * take a preallocated {@link OpSlots} slot, and linked chains are held back in user space by
 * {@link LinkChains}. A subclass hands a slot to its device when {@link #start} says it may go,
 * delivers one whose chain failed when {@link #canceled} says so, and counts
 * {@link #inFlight} as it submits and delivers. Allocation-free after construction; not
 * thread-safe (the issuer's).
 *
 * @param <D> the engine's own device type
 */
public abstract class SlotEngine<D extends BlockDevice> implements IoEngine {
    protected final OpSlots slots;
    /** The device of each slot in use. */
    protected final D[] dev;
    /** Each slot's final result, set before the slot is queued for delivery. */
    protected final int[] result;
    protected final LinkChains chains;
    /** Operations submitted and not yet delivered. */
    protected int inFlight;
    protected boolean closed;
    private final Class<D> deviceType;
    private final String openedBy;

    /**
     * @param deviceType the devices this engine opens; others are refused
     * @param openedBy   how messages name this engine to a device it did not open ("a native engine")
     */
    protected SlotEngine(int entries, int maxEntries, Class<D> deviceType, String openedBy) {
        if (entries < 1 || entries > maxEntries) {
            throw new IllegalArgumentException("entries must be in 1.." + maxEntries + ": " + entries);
        }
        this.deviceType = deviceType;
        this.openedBy = openedBy;
        this.slots = new OpSlots(entries);
        @SuppressWarnings("unchecked")
        D[] devices = (D[]) Array.newInstance(deviceType, entries);
        this.dev = devices;
        this.result = new int[entries];
        this.chains = new LinkChains(entries, new LinkChains.Sink() {
            @Override
            public void start(int slot) {
                SlotEngine.this.start(slot);
            }

            @Override
            public void cancel(int slot) {
                result[slot] = -Errno.ECANCELED;
                canceled(slot);
            }
        });
    }

    /** {@code slot} waits for nothing any more: hand it to the device. */
    protected abstract void start(int slot);

    /**
     * {@code slot}'s predecessor in its chain failed, so it never runs: its {@link #result} is
     * {@code -ECANCELED}; queue it for delivery.
     */
    protected abstract void canceled(int slot);

    @Override
    public boolean prepRead(BlockDevice device, long off, long addr, int len, long ud, int fl) {
        return enqueue(OP_READ, checkRw(device, off, addr, len, "read"), off, addr, len, ud, fl);
    }

    @Override
    public boolean prepWrite(BlockDevice device, long off, long addr, int len, long ud, int fl) {
        return enqueue(OP_WRITE, checkRw(device, off, addr, len, "write"), off, addr, len, ud, fl);
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long ud, int fl) {
        return enqueue(dataOnly ? OP_FDATASYNC : OP_FSYNC, device(device), 0, 0, 0, ud, fl);
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long off, long len, long ud, int fl) {
        return enqueue(OP_DISCARD, checkDiscard(device, off, len), off, 0, len, ud, fl);
    }

    /** {@code device} as this engine's own device type. */
    protected final D device(BlockDevice device) {
        return PrepChecks.device(device, deviceType, openedBy);
    }

    /** The checks of a read or write ({@link PrepChecks#readWrite}); an engine may refuse more. */
    protected D checkRw(BlockDevice device, long off, long addr, int len, String what) {
        D d = device(device);
        PrepChecks.readWrite(d, what, off, addr, len);
        return d;
    }

    /** The checks of a discard ({@link PrepChecks#discardRange}); an engine may refuse more. */
    protected D checkDiscard(BlockDevice device, long off, long len) {
        D d = device(device);
        PrepChecks.discardRange(d, off, len);
        return d;
    }

    private boolean enqueue(byte kind, D d, long off, long addr, long len, long ud, int fl) {
        if (closed) {
            throw new IllegalStateException(name() + " engine is closed");
        }
        int s = slots.take(kind, off, addr, len, ud, fl);
        if (s < 0) {
            return false;
        }
        dev[s] = d;
        chains.prepare(s, (fl & LINK) != 0);
        return true;
    }

    /**
     * Hands a finished slot (its {@link #result} set) to the caller: releases or cancels the rest
     * of its chain, frees the slot, then calls {@code handler}. Returns 1, for counting.
     */
    protected final int deliver(int s, CompletionHandler handler) {
        int res = result[s];
        chains.finished(s, slots.complete(s, res));
        long ud = slots.userData[s];
        dev[s] = null;
        result[s] = 0;
        slots.release(s);
        inFlight--;
        handler.onComplete(ud, res);
        return 1;
    }

    @Override
    public int available() {
        return slots.available();
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    /** Accepted and ignored: these engines have no fixed buffers. */
    @Override
    public void registerBuffers(NativeBuffer region) {
    }
}
