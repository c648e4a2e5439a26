package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.REGISTER_BUFFERS;
import static io.uraid.io.uring.UringAbi.UNREGISTER_BUFFERS;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LinuxNative;
import java.nio.ByteBuffer;

/**
 * The ring's registered (fixed) buffers: regions of native memory, each cut into iovecs of at
 * most 1 GiB (the kernel's per-buffer limit). READ_FIXED/WRITE_FIXED on these skip page
 * pinning per operation. {@link #indexOf} is the hot-path lookup.
 */
final class FixedBuffers {
    private static final long MAX_IOVEC = 1L << 30;
    private static final long[] NONE = new long[0];

    private final int ringFd;
    private long[] start = NONE;
    private long[] end = NONE;

    FixedBuffers(int ringFd) {
        this.ringFd = ringFd;
    }

    /** Registers {@code regions}, replacing any earlier ones. Returns 0 or -errno. */
    int register(java.util.List<NativeBuffer> regions) {
        unregister();
        int n = 0;
        for (NativeBuffer region : regions) {
            n += (int) ((region.capacity() + MAX_IOVEC - 1) / MAX_IOVEC);
        }
        long[] s = new long[n];
        long[] e = new long[n];
        int r;
        try (NativeBuffer iov = NativeBuffer.allocate(16 * n, 8)) {
            ByteBuffer b = iov.view();
            int i = 0;
            for (NativeBuffer region : regions) {
                long base = region.address();
                long len = region.capacity();
                for (long at = 0; at < len; at += MAX_IOVEC, i++) {
                    s[i] = base + at;
                    e[i] = base + Math.min(len, at + MAX_IOVEC);
                    b.putLong(16 * i, s[i]);
                    b.putLong(16 * i + 8, e[i] - s[i]);
                }
            }
            r = LinuxNative.ioUringRegister(ringFd, REGISTER_BUFFERS, iov.address(), n);
        }
        if (r >= 0) {
            start = s;
            end = e;
        }
        return r < 0 ? r : 0;
    }

    void unregister() {
        if (start.length > 0) {
            LinuxNative.ioUringRegister(ringFd, UNREGISTER_BUFFERS, 0, 0);
            start = NONE;
            end = NONE;
        }
    }

    /** Index of the registered buffer holding all of {@code [address, address+length)}, or -1. */
    int indexOf(long address, int length) {
        long[] s = start;
        long[] e = end;
        for (int i = 0; i < s.length; i++) {
            if (address >= s[i] && address + length <= e[i]) {
                return i;
            }
        }
        return -1;
    }

    boolean isRegistered() {
        return start.length > 0;
    }

    static String describe(int err) {
        return Errno.name(err) + (err == -Errno.ENOMEM ? " (RLIMIT_MEMLOCK too low?)" : "");
    }
}
