package io.uraid.perf.bench;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;

/**
 * A memory-backed stand-in target for unit tests: completes every request at once, in order,
 * or, after {@link #slowReads}, each read a fixed time later on a thread of its own.
 */
final class MemoryTarget implements BlockTarget, AutoCloseable {
    final NativeBuffer memory;
    volatile long reads;
    volatile long writes;
    private java.util.concurrent.ScheduledExecutorService later;
    private long readMillis;

    MemoryTarget(int bytes) {
        memory = NativeBuffer.allocate(bytes);
    }

    @Override
    public long size() {
        return memory.capacity();
    }

    @Override
    public int blockSize() {
        return 512;
    }

    /** Completes every read {@code millis} after it was served, from one completion thread. */
    MemoryTarget slowReads(long millis) {
        later = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        readMillis = millis;
        return this;
    }

    @Override
    public synchronized void read(long offset, int length, long address, IoCallback callback, long tag) {
        UnsafeAccess.copyMemory(memory.address() + offset, address, length);
        reads++;
        if (later != null) {
            later.schedule(() -> callback.done(tag, 0), readMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            callback.done(tag, 0);
        }
    }

    @Override
    public synchronized void write(long offset, int length, long address, int flags, IoCallback callback, long tag) {
        UnsafeAccess.copyMemory(address, memory.address() + offset, length);
        writes++;
        callback.done(tag, 0);
    }

    @Override
    public void flush(IoCallback callback, long tag) {
        callback.done(tag, 0);
    }

    @Override
    public void discard(long offset, long length, IoCallback callback, long tag) {
        callback.done(tag, 0);
    }

    @Override
    public void close() {
        if (later != null) {
            later.shutdownNow();
        }
        memory.close();
    }
}
