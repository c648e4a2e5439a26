package io.uraid.io.nativeio;

import io.uraid.io.BlockDevice;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.Errno;
import io.uraid.io.FileClaim;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * A file or block device opened with open(2): the descriptor plus its geometry. Shared by the
 * engines that talk to the kernel directly (io_uring and libaio).
 */
public final class NativeDevice implements BlockDevice {
    private static final Logger LOG = Logger.getLogger(NativeDevice.class.getName());
    private static volatile boolean warnedBuffered;

    private final Path path;
    private final int fd;
    private final long size;
    private final int logicalBlockSize;
    private final int physicalBlockSize;
    private final int maxTransferBytes;
    private final boolean blockDevice;
    private final boolean direct;
    private final IntConsumer onClose;
    /** The claim of an exclusively opened regular file, or null. */
    private final FileClaim claim;
    private int handle;
    private boolean closed;

    private NativeDevice(Path path, int fd, long size, int lbs, int pbs, int maxTransfer, boolean blockDevice,
                         boolean direct, IntConsumer onClose, FileClaim claim) {
        this.path = path;
        this.fd = fd;
        this.size = size;
        this.logicalBlockSize = lbs;
        this.physicalBlockSize = pbs;
        this.maxTransferBytes = maxTransfer;
        this.blockDevice = blockDevice;
        this.direct = direct;
        this.onClose = onClose;
        this.claim = claim;
        this.handle = fd;
    }

    /**
     * Opens {@code path}. An exclusive open claims the device: a block device with O_EXCL, so a
     * mounted or otherwise claimed device is refused with EBUSY; a regular file with a
     * {@link FileClaim} (shared when read-only). A claimed device is refused with
     * {@link DeviceBusyException}. O_DIRECT falls back to buffered I/O, with one warning per
     * process, only where the file system refuses it (EINVAL).
     *
     * @param onClose called with the descriptor just before it is closed (engines unregister it)
     */
    public static NativeDevice open(Path path, OpenOptions options, IntConsumer onClose) throws IOException {
        String p = path.toString();
        int flags = options.readOnly() ? LinuxNative.O_RDONLY : LinuxNative.O_RDWR;
        int probe = LinuxNative.open(p, LinuxNative.O_RDONLY, 0);
        if (probe < 0) {
            throw new IOException(p + ": cannot open: " + Errno.describe(probe));
        }
        int mode;
        long rdev;
        try (NativeBuffer st = NativeBuffer.allocate(256, 8)) {
            int r = LinuxNative.fstat(probe, st.address());
            if (r < 0) {
                throw new IOException(p + ": fstat failed: " + Errno.describe(r));
            }
            mode = st.view().getInt(24);
            rdev = st.view().getLong(40);
        } finally {
            LinuxNative.close(probe);
        }
        int type = mode & LinuxNative.S_IFMT;
        boolean isBlock = type == LinuxNative.S_IFBLK;
        if (!isBlock && type != LinuxNative.S_IFREG) {
            throw new IOException(p + ": not a regular file or block device");
        }
        if (isBlock && options.exclusive()) {
            flags |= LinuxNative.O_EXCL;
        }
        FileClaim claim = !isBlock && options.exclusive() ? claimFile(path, options.readOnly()) : null;
        try {
            return open(path, options, onClose, flags, isBlock, rdev, claim);
        } catch (IOException | RuntimeException e) {
            if (claim != null) {
                claim.close();
            }
            throw e;
        }
    }

    private static FileClaim claimFile(Path path, boolean readOnly) throws IOException {
        FileClaim claim = FileClaim.tryClaim(path, readOnly, false);
        if (claim == null) {
            throw DeviceBusyException.file(path);
        }
        return claim;
    }

    private static NativeDevice open(Path path, OpenOptions options, IntConsumer onClose, int flags, boolean isBlock,
                                     long rdev, FileClaim claim) throws IOException {
        String p = path.toString();
        boolean direct = options.direct();
        int fd = LinuxNative.open(p, flags | (direct ? LinuxNative.O_DIRECT : 0), 0);
        if (fd == -Errno.EINVAL && direct) {
            direct = false;
            fd = LinuxNative.open(p, flags, 0);
            if (fd >= 0 && !warnedBuffered) {
                warnedBuffered = true;
                LOG.warning(p + ": the file system refuses O_DIRECT; using buffered I/O");
            }
        }
        if (fd == -Errno.EBUSY) {
            throw DeviceBusyException.blockDevice(path);
        }
        if (fd < 0) {
            throw new IOException(p + ": cannot open: " + Errno.describe(fd));
        }
        try {
            long size;
            int lbs;
            int pbs;
            if (isBlock) {
                size = LinuxNative.ioctlU64(fd, LinuxNative.BLKGETSIZE64);
                lbs = LinuxNative.ioctlInt(fd, LinuxNative.BLKSSZGET);
                pbs = LinuxNative.ioctlInt(fd, LinuxNative.BLKPBSZGET);
                if (size < 0 || lbs <= 0 || pbs <= 0) {
                    throw new IOException(p + ": cannot read block device geometry");
                }
            } else {
                try (NativeBuffer st = NativeBuffer.allocate(256, 8)) {
                    int r = LinuxNative.fstat(fd, st.address());
                    if (r < 0) {
                        throw new IOException(p + ": fstat failed: " + Errno.describe(r));
                    }
                    size = st.view().getLong(48);
                }
                lbs = 512;
                pbs = 4096;
            }
            int maxTransfer = isBlock ? QueueLimits.maxUnsplitBytes(rdev) : QueueLimits.UNKNOWN;
            return new NativeDevice(path, fd, size, lbs, pbs, maxTransfer, isBlock, direct, onClose, claim);
        } catch (IOException | RuntimeException e) {
            LinuxNative.close(fd);
            throw e;
        }
    }

    /** The file descriptor. */
    public int fd() {
        return fd;
    }

    /** Set by an engine that registered the descriptor under another index. */
    public void setHandle(int handle) {
        this.handle = handle;
    }

    @Override
    public int handle() {
        return handle;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public int physicalBlockSize() {
        return physicalBlockSize;
    }

    @Override
    public int maxTransferBytes() {
        return maxTransferBytes;
    }

    @Override
    public boolean isBlockDevice() {
        return blockDevice;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (onClose != null) {
                onClose.accept(fd);
            }
            LinuxNative.close(fd);
            if (claim != null) {
                claim.close();
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
