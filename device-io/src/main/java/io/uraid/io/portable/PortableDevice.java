package io.uraid.io.portable;

import io.uraid.io.BlockDevice;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.FileClaim;
import io.uraid.io.OpenOptions;
import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * A file or block device opened as a {@link FileChannel}, in pure Java.
 *
 * <p>With O_DIRECT the JDK itself checks alignment, against the file system's fragment size
 * (4096 on ext4 and on devtmpfs, where block device nodes live), not against the device's
 * 512-byte sectors. So {@link #logicalBlockSize()} reports that alignment, and callers that align
 * to it never trip the JDK's check. An exclusive open of a regular file takes a {@link FileClaim},
 * as the native engines do; pure Java cannot pass O_EXCL on a block device, so block devices are
 * not claimed here.
 */
final class PortableDevice implements BlockDevice {
    private static final Logger LOG = Logger.getLogger(PortableDevice.class.getName());
    private static final int S_IFMT = 0xF000;
    private static final int S_IFBLK = 0x6000;
    private static final int S_IFREG = 0x8000;
    private static volatile boolean warnedBuffered;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final int alignment;
    private final boolean blockDevice;
    private final boolean direct;
    private final int handle;
    private final FileClaim claim;

    private PortableDevice(Path path, FileChannel channel, long size, int alignment, boolean block, boolean direct,
                           int handle, FileClaim claim) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.alignment = alignment;
        this.blockDevice = block;
        this.direct = direct;
        this.handle = handle;
        this.claim = claim;
    }

    static PortableDevice open(Path path, OpenOptions options, int handle) throws IOException {
        boolean block = isBlockDevice(path);
        FileClaim claim = null;
        if (!block && options.exclusive()) {
            claim = FileClaim.tryClaim(path, options.readOnly(), false);
            if (claim == null) {
                throw DeviceBusyException.file(path);
            }
        }
        try {
            return open(path, options, handle, block, claim);
        } catch (IOException | RuntimeException e) {
            if (claim != null) {
                claim.close();
            }
            throw e;
        }
    }

    private static PortableDevice open(Path path, OpenOptions options, int handle, boolean block, FileClaim claim)
            throws IOException {
        OpenOption[] base = options.readOnly()
                ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel ch = null;
        boolean direct = options.direct();
        if (direct) {
            OpenOption[] withDirect = java.util.Arrays.copyOf(base, base.length + 1);
            withDirect[base.length] = ExtendedOpenOption.DIRECT;
            try {
                ch = FileChannel.open(path, withDirect);
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
                    throw describe(path, (IOException) e);
                }
                direct = false;
            }
        }
        if (ch == null) {
            try {
                ch = FileChannel.open(path, base);
            } catch (IOException e) {
                throw describe(path, e);
            }
            if (options.direct() && !warnedBuffered) {
                warnedBuffered = true;
                LOG.warning(path + ": the file system refuses O_DIRECT; using buffered I/O");
            }
        }
        try {
            int align = 512;
            if (direct) {
                try {
                    align = (int) Math.max(512, Files.getFileStore(path).getBlockSize());
                } catch (UnsupportedOperationException e) {
                    align = 4096;
                }
            }
            return new PortableDevice(path, ch, ch.size(), align, block, direct, handle, claim);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static boolean isBlockDevice(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            if (Files.isRegularFile(path)) {
                return false;
            }
            throw new IOException(path + ": not a regular file (and block devices need a unix file system view)");
        } catch (IOException e) {
            throw describe(path, e);
        }
        int type = mode & S_IFMT;
        if (type != S_IFBLK && type != S_IFREG) {
            throw new IOException(path + ": not a regular file or block device");
        }
        return type == S_IFBLK;
    }

    private static IOException describe(Path path, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            why = ((FileSystemException) e).getReason();
        } else {
            why = String.valueOf(e.getMessage());
        }
        return new IOException(path + ": cannot open: " + why, e);
    }

    FileChannel channel() {
        return channel;
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
        return alignment;
    }

    @Override
    public int physicalBlockSize() {
        return Math.max(4096, alignment);
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
    public int handle() {
        return handle;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
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
