package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.REGISTER_FILES;
import static io.uraid.io.uring.UringAbi.REGISTER_FILES_UPDATE;
import static io.uraid.io.uring.UringAbi.UNREGISTER_FILES;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LinuxNative;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The ring's registered-file table: a sparse table registered once at setup and updated slot by
 * slot (IORING_REGISTER_FILES_UPDATE) as devices open and close. SQEs that name a registered
 * index with IOSQE_FIXED_FILE skip the per-operation fd lookup and reference counting. When the
 * kernel refuses the table, or it is full, devices use plain descriptors.
 *
 * <p>{@link #add}/{@link #remove} may run on any thread while the engine is idle;
 * {@link #isRegistered} runs on the issuer thread.
 */
final class FileTable {
    private static final Logger LOG = Logger.getLogger(FileTable.class.getName());

    private final int ringFd;
    /** fd registered at each index, -1 when free; all -1 when the table is inactive. */
    private final int[] fds;
    private final boolean active;
    /** Set when the ring is torn down: its fd number may be reused by another ring. */
    private boolean closed;

    FileTable(int ringFd, int slots) {
        this.ringFd = ringFd;
        this.fds = new int[slots];
        Arrays.fill(fds, -1);
        int r;
        try (NativeBuffer table = NativeBuffer.allocate(4 * slots, 8)) {
            ByteBuffer b = table.view();
            for (int i = 0; i < slots; i++) {
                b.putInt(4 * i, -1);
            }
            r = LinuxNative.ioUringRegister(ringFd, REGISTER_FILES, table.address(), slots);
        }
        active = r >= 0;
        if (!active) {
            LOG.fine("io_uring: registered files unavailable (" + Errno.name(r) + "); using plain descriptors");
        }
    }

    boolean isActive() {
        return active;
    }

    /** Registers {@code fd}; returns its index, or -1 when it stays a plain descriptor. */
    synchronized int add(int fd) {
        if (!active || closed) {
            return -1;
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] == -1) {
                if (update(i, fd) < 0) {
                    return -1;
                }
                fds[i] = fd;
                return i;
            }
        }
        return -1;
    }

    /** Unregisters {@code fd} if it is registered (called just before the device closes it). */
    synchronized void remove(int fd) {
        if (closed) {
            return;
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] == fd) {
                update(i, -1);
                fds[i] = -1;
            }
        }
    }

    /** True when {@code index} is the registered slot of {@code fd}. */
    boolean isRegistered(int index, int fd) {
        return index >= 0 && index < fds.length && fds[index] == fd;
    }

    /** Drops the table; later {@link #add}/{@link #remove} calls do nothing. */
    synchronized void unregisterAll() {
        if (active && !closed) {
            LinuxNative.ioUringRegister(ringFd, UNREGISTER_FILES, 0, 0);
        }
        closed = true;
        Arrays.fill(fds, -1);
    }

    private int update(int index, int fd) {
        // struct io_uring_files_update {u32 offset; u32 resv; u64 fds;} followed by the one fd.
        try (NativeBuffer u = NativeBuffer.allocate(24, 8)) {
            ByteBuffer b = u.view();
            b.putInt(0, index);
            b.putInt(4, 0);
            b.putLong(8, u.address() + 16);
            b.putInt(16, fd);
            int r = LinuxNative.ioUringRegister(ringFd, REGISTER_FILES_UPDATE, u.address(), 1);
            if (r < 0) {
                LOG.fine("io_uring: registered-file update of slot " + index + " failed: " + Errno.name(r));
            }
            return r;
        }
    }
}
