package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.internal.UnsafeAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A decorator that logs every write, discard and fsync with its data, FUA flag, and the
 * moments it was prepared and completed on a shared clock (like dm-log-writes), so a crash
 * harness can rebuild the devices as a power cut at any moment would have left them. Reads
 * pass through unlogged. The clock is shared with whoever drives the engine, so the log can be
 * ordered against the events of the layer above (a request acknowledged, a flush done).
 *
 * <p>For tests: it copies the data of every write.
 */
public final class RecordingEngine extends ForwardingEngine {

    /** One logged operation; {@link #completed} is {@link Long#MAX_VALUE} until it completes. */
    public static final class Entry {
        public final Kind kind;
        public final Path path;
        public final long offset;
        public final byte[] data;
        public final long length;
        public final boolean fua;
        public final long prepared;
        public volatile long completed = Long.MAX_VALUE;
        public volatile int result;

        Entry(Kind kind, Path path, long offset, byte[] data, long length, boolean fua, long prepared) {
            this.kind = kind;
            this.path = path;
            this.offset = offset;
            this.data = data;
            this.length = length;
            this.fua = fua;
            this.prepared = prepared;
        }

        /** Completed successfully at or before {@code t}. */
        public boolean doneBy(long t) {
            return completed <= t && result >= 0;
        }

        @Override
        public String toString() {
            return kind + " " + path.getFileName() + " @" + offset + "+" + length + (fua ? " fua" : "") + " ["
                    + prepared + ", " + (completed == Long.MAX_VALUE ? "-" : completed) + "]";
        }
    }

    /** Logged operation kinds. */
    public enum Kind { WRITE, DISCARD, FSYNC }

    private final AtomicLong clock;
    private final List<Entry> log = new ArrayList<>();
    private final Map<Long, Entry> pending = new HashMap<>();
    private volatile boolean recording = true;

    /** @param clock the shared clock (each event takes the next tick) */
    public RecordingEngine(IoEngine inner, AtomicLong clock) {
        super(inner);
        this.clock = clock;
    }

    /** The log so far, in preparation order (a copy). */
    public synchronized List<Entry> log() {
        return new ArrayList<>(log);
    }

    /** Stops logging (for example before an orderly stop that the test does not replay). */
    public void stopRecording() {
        recording = false;
    }

    private synchronized void record(long userData, Entry e) {
        if (recording) {
            log.add(e);
            pending.put(userData, e);
        }
    }

    @Override
    public String name() {
        return "recording(" + inner.name() + ")";
    }

    @Override
    public boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = UnsafeAccess.getByte(address + i);
        }
        if (!inner.prepWrite(device, offset, address, length, userData, flags)) {
            return false;
        }
        record(userData, new Entry(Kind.WRITE, device.path(), offset, data, length, (flags & FUA) != 0,
                clock.incrementAndGet()));
        return true;
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long userData, int flags) {
        if (!inner.prepFsync(device, dataOnly, userData, flags)) {
            return false;
        }
        record(userData, new Entry(Kind.FSYNC, device.path(), 0, null, 0, false, clock.incrementAndGet()));
        return true;
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long offset, long length, long userData, int flags) {
        if (!inner.prepDiscard(device, offset, length, userData, flags)) {
            return false;
        }
        record(userData, new Entry(Kind.DISCARD, device.path(), offset, null, length, false, clock.incrementAndGet()));
        return true;
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        return inner.reap(minComplete, (userData, result) -> {
            Entry e;
            synchronized (this) {
                e = pending.remove(userData);
            }
            if (e != null) {
                e.result = result;
                e.completed = clock.incrementAndGet();
            }
            handler.onComplete(userData, result);
        });
    }
}
