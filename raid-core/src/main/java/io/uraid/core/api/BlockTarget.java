package io.uraid.core.api;

import io.uraid.io.Errno;

/**
 * Something that serves block requests asynchronously: an assembled array, or in tests a
 * memory-backed stand-in. Front ends (NBD connections, bench workers, the CLI) talk to this.
 *
 * <p>All methods may be called from any number of threads. Each call completes exactly once,
 * through {@code callback.done(tag, result)}, with {@code result} 0 on success or
 * {@code -errno} (EIO, EINVAL, ENOSPC, ESHUTDOWN...). The callback runs on the target's own
 * thread and must be quick: hand heavy work elsewhere.
 *
 * <p>Offsets and lengths must be multiples of {@link #blockSize()} and lie within
 * {@link #size()}; otherwise the request completes with {@code -EINVAL} (or {@code -ENOSPC}
 * for a write past the end) without touching any device. Buffers are native addresses that
 * must stay valid until the callback. When the target's request ring is full, a call waits
 * for room (back-pressure) rather than dropping the request.
 */
public interface BlockTarget {

    /** Flag for {@link #write}: durable on every copy before completion (NBD FUA). */
    int FUA = 1;

    /** Size in bytes. */
    long size();

    /** The logical block size: every offset and length is a multiple of it. */
    int blockSize();

    /** Reads {@code length} bytes at {@code offset} into native memory at {@code address}. */
    void read(long offset, int length, long address, IoCallback callback, long tag);

    /** Writes {@code length} bytes from native memory at {@code address} to {@code offset}. */
    void write(long offset, int length, long address, int flags, IoCallback callback, long tag);

    /** Makes every write completed before this call durable on every member. */
    void flush(IoCallback callback, long tag);

    /** Discards a range; afterwards it reads back as zeroes. */
    void discard(long offset, long length, IoCallback callback, long tag);

    /**
     * The caller will pass buffers from {@code region} (its payload pool): a target may register
     * it with its engines, so that I/O on those buffers skips per-operation page pinning
     * (io_uring's fixed buffers). The region must stay allocated while the target runs. Returns
     * true when the target now uses it that way; false (the default) when it does not, which
     * changes nothing else.
     */
    default boolean registerMemory(io.uraid.io.NativeBuffer region) {
        return false;
    }

    /**
     * The error this contract gives a request before it touches anything: 0 when
     * {@code [offset, offset + length)} is block-aligned and inside {@code size}, else
     * {@code -EINVAL} (misaligned, negative, or a read past the end) or {@code -ENOSPC} (a write
     * past the end). One place, so every target answers bad input alike.
     */
    static int rangeError(long offset, long length, boolean write, long size, int blockSize) {
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0) {
            return -Errno.EINVAL;
        }
        if (offset > size || length > size - offset) { // no overflow of offset + length
            return write ? -Errno.ENOSPC : -Errno.EINVAL;
        }
        return 0;
    }
}
