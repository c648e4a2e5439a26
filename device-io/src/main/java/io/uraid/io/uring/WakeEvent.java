package io.uraid.io.uring;

import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LinuxNative;

/**
 * An eventfd that lets any thread end an issuer's wait inside {@code io_uring_enter}: the
 * engine keeps a READ of the eventfd in the ring while its issuer blocks, and {@link #signal()}
 * (one {@code write(2)}) completes that read, so the kernel returns to the issuer.
 *
 * <p>The eventfd is blocking on purpose: io_uring answers a read of an O_NONBLOCK descriptor
 * that has nothing to read with -EAGAIN at once instead of waiting for it.
 */
final class WakeEvent implements AutoCloseable {
    private final int fd;
    /** Where the ring's read of the counter lands; only the kernel writes it. */
    private final NativeBuffer readTarget = NativeBuffer.allocate(8, 8);
    /** Holds the value 1, written by {@link #signal()} from any thread; never modified. */
    private final NativeBuffer one = NativeBuffer.allocate(8, 8);
    private volatile boolean closed;

    private WakeEvent(int fd) {
        this.fd = fd;
        one.view().putLong(0, 1L);
    }

    /** A new wake event, or null when the kernel refuses an eventfd (the engine then spins). */
    static WakeEvent createOrNull() {
        if (!LinuxNative.isAvailable()) {
            return null;
        }
        int fd = LinuxNative.eventfd(0);
        return fd < 0 ? null : new WakeEvent(fd);
    }

    int fd() {
        return fd;
    }

    long readAddress() {
        return readTarget.address();
    }

    /** Completes the pending read (or the next one armed). Safe from any thread. */
    void signal() {
        if (!closed) {
            LinuxNative.write(fd, one.address(), 8);
        }
    }

    @Override
    public void close() {
        closed = true;
        LinuxNative.close(fd);
        readTarget.close();
        one.close();
    }
}
