package io.uraid.io;

import io.uraid.io.nativeio.LinuxNative;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole-file advisory claim, held on a descriptor of its own until {@link #close()}: exclusive
 * (one holder) or shared (any number of shared holders, no exclusive one).
 *
 * <p>Where native calls work it is an open file description lock (fcntl F_OFD_SETLK): it
 * conflicts with every other OFD or POSIX record lock on the file ({@code lockf}, {@code fcntl}),
 * from this process or any other, and unlike a POSIX lock it does not vanish when some other
 * descriptor of the file is closed. Otherwise it is a {@link FileChannel} lock, which is POSIX
 * and so per process: this class then also keeps a table of the files this JVM claims, so two
 * claims in one process still conflict and no second channel is ever opened (closing it would
 * drop the first one's lock).
 */
public final class FileClaim implements AutoCloseable {
    /** Fallback claims of this JVM, by real path: -1 exclusive, n > 0 shared n times. */
    private static final Map<Path, Integer> JVM_CLAIMS = new HashMap<>();

    private final Path key;
    private final boolean shared;
    private final int fd;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private FileClaim(Path key, boolean shared, int fd, FileChannel channel, FileLock lock) {
        this.key = key;
        this.shared = shared;
        this.fd = fd;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Claims the regular file {@code path}: shared (it is only read) or exclusive.
     *
     * @param create create the file when missing (lock files); members are never created
     * @return the claim, or null when a conflicting claim is held elsewhere
     * @throws IOException when the file cannot be opened at all
     */
    public static FileClaim tryClaim(Path path, boolean shared, boolean create) throws IOException {
        if (LinuxNative.isAvailable()) {
            int flags = (shared ? LinuxNative.O_RDONLY : LinuxNative.O_RDWR) | (create ? LinuxNative.O_CREAT : 0);
            int fd = LinuxNative.open(path.toString(), flags, 0644);
            if (fd < 0) {
                throw new IOException(path + ": cannot open: " + Errno.describe(fd));
            }
            int r = LinuxNative.ofdSetLock(fd, shared ? LinuxNative.F_RDLCK : LinuxNative.F_WRLCK);
            if (r == 0) {
                return new FileClaim(null, shared, fd, null, null);
            }
            LinuxNative.close(fd);
            if (r == -Errno.EAGAIN || r == -Errno.EACCES) {
                return null;
            }
            throw new IOException(path + ": cannot lock: " + Errno.describe(r));
        }
        return tryChannelClaim(path, shared, create);
    }

    /** True when someone holds a claim on {@code path} (any kind); does not claim it. */
    public static boolean isClaimed(Path path) throws IOException {
        if (LinuxNative.isAvailable()) {
            int fd = LinuxNative.open(path.toString(), LinuxNative.O_RDONLY, 0);
            if (fd < 0) {
                return false;
            }
            try {
                int r = LinuxNative.ofdGetLock(fd, LinuxNative.F_WRLCK);
                return r >= 0 && r != LinuxNative.F_UNLCK;
            } finally {
                LinuxNative.close(fd);
            }
        }
        synchronized (JVM_CLAIMS) {
            if (JVM_CLAIMS.containsKey(realPath(path))) {
                return true;
            }
        }
        FileClaim probe = tryChannelClaim(path, false, false);
        if (probe == null) {
            return true;
        }
        probe.close();
        return false;
    }

    private static FileClaim tryChannelClaim(Path path, boolean shared, boolean create) throws IOException {
        Path key = realPathOrCreate(path, create);
        synchronized (JVM_CLAIMS) {
            Integer held = JVM_CLAIMS.get(key);
            if (held != null && (held < 0 || !shared)) {
                return null;
            }
            FileChannel ch = shared ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException e) {
                lock = null; // cannot happen: the table holds every lock of this JVM
            }
            if (lock == null) {
                ch.close();
                return null;
            }
            JVM_CLAIMS.merge(key, shared ? 1 : -1, (a, b) -> a + b);
            return new FileClaim(key, shared, -1, ch, lock);
        }
    }

    private static Path realPathOrCreate(Path path, boolean create) throws IOException {
        if (create && !java.nio.file.Files.exists(path)) {
            try {
                java.nio.file.Files.createFile(path);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile by another claimant: fine
            }
        }
        return path.toRealPath();
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** Releases the claim. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel == null) {
            LinuxNative.close(fd); // the last descriptor of the description: the lock goes with it
            return;
        }
        synchronized (JVM_CLAIMS) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing releases the lock whatever release() said
            }
            JVM_CLAIMS.computeIfPresent(key, (k, v) -> shared && v > 1 ? v - 1 : null);
        }
    }
}
