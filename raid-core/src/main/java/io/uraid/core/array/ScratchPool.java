package io.uraid.core.array;

import io.uraid.io.NativeBuffer;

/**
 * Scratch buffers for plans (old data and parity read before a write, reconstruction
 * sources): equal slices of one native region, so the whole pool can be registered with the
 * engine at once. Dispatcher thread only.
 */
final class ScratchPool implements AutoCloseable {
    private final NativeBuffer region;
    private final int bytes;
    private final int[] free;
    private int freeCount;

    /** {@code count} buffers of {@code bytes} each (4 KiB aligned); none when either is 0. */
    ScratchPool(int count, int bytes) {
        this.bytes = bytes;
        this.free = new int[count];
        for (int i = 0; i < count; i++) {
            free[i] = count - 1 - i;
        }
        this.freeCount = count;
        this.region = count == 0 || bytes == 0 ? null : NativeBuffer.allocate(Math.multiplyExact(count, bytes));
    }

    int bytes() {
        return bytes;
    }

    int available() {
        return freeCount;
    }

    int acquire() {
        return free[--freeCount];
    }

    void release(int buffer) {
        free[freeCount++] = buffer;
    }

    long address(int buffer) {
        return region.address() + (long) buffer * bytes;
    }

    /** The native region behind every buffer (null when the pool is empty). */
    NativeBuffer region() {
        return region;
    }

    @Override
    public void close() {
        if (region != null) {
            region.close();
        }
    }
}
