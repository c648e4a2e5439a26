package io.uraid.daemon;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.core.array.RaidArray;
import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an export serves: the array running under a name, which a shape change ({@code uraid
 * grow}) replaces by the same array assembled again in its new shape. While that happens the
 * export is paused: new requests wait (the NBD connections stay up and see a pause, not an
 * error); the requests already handed to the old array are answered by it as it stops.
 *
 * <p>Requests pass through with one atomic increment and decrement, no allocation.
 */
final class ArrayTarget implements BlockTarget {
    private volatile RaidArray array;
    private volatile boolean paused;
    /** Callers between their pause check and the array's return from read/write/flush/discard. */
    private final AtomicInteger entering = new AtomicInteger();
    private final List<NativeBuffer> registered = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();

    ArrayTarget(RaidArray array) {
        this.array = array;
    }

    /**
     * Holds new requests back and waits until none is on its way into the array; returns the
     * array, which the caller may now stop (it answers what it was given).
     */
    RaidArray pause() {
        paused = true;
        while (entering.get() > 0) {
            Thread.onSpinWait();
        }
        return array;
    }

    /**
     * Serves {@code next} from now on (null: the array could not be started again; requests
     * fail with ESHUTDOWN) and lets the held requests go.
     */
    void resume(RaidArray next) {
        if (next != null) {
            for (NativeBuffer region : registered) {
                next.registerMemory(region);
            }
        }
        array = next;
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** The array to hand a request to (the caller then calls {@link #leave()}), or null when there is none. */
    private RaidArray enter() {
        while (true) {
            entering.incrementAndGet();
            if (!paused) {
                return array;
            }
            entering.decrementAndGet();
            boolean interrupted = false;
            synchronized (gate) {
                while (paused) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void leave() {
        entering.decrementAndGet();
    }

    @Override
    public long size() {
        RaidArray a = array;
        return a == null ? 0 : a.size();
    }

    @Override
    public int blockSize() {
        RaidArray a = array;
        return a == null ? 512 : a.blockSize();
    }

    @Override
    public void read(long offset, int length, long address, IoCallback callback, long tag) {
        RaidArray a = enter();
        try {
            if (a == null) {
                callback.done(tag, -Errno.ESHUTDOWN);
            } else {
                a.read(offset, length, address, callback, tag);
            }
        } finally {
            leave();
        }
    }

    @Override
    public void write(long offset, int length, long address, int flags, IoCallback callback, long tag) {
        RaidArray a = enter();
        try {
            if (a == null) {
                callback.done(tag, -Errno.ESHUTDOWN);
            } else {
                a.write(offset, length, address, flags, callback, tag);
            }
        } finally {
            leave();
        }
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        RaidArray a = enter();
        try {
            if (a == null) {
                callback.done(tag, -Errno.ESHUTDOWN);
            } else {
                a.flush(callback, tag);
            }
        } finally {
            leave();
        }
    }

    @Override
    public void discard(long offset, long length, IoCallback callback, long tag) {
        RaidArray a = enter();
        try {
            if (a == null) {
                callback.done(tag, -Errno.ESHUTDOWN);
            } else {
                a.discard(offset, length, callback, tag);
            }
        } finally {
            leave();
        }
    }

    @Override
    public boolean registerMemory(NativeBuffer region) {
        registered.add(region);
        RaidArray a = enter();
        try {
            return a != null && a.registerMemory(region);
        } finally {
            leave();
        }
    }
}
