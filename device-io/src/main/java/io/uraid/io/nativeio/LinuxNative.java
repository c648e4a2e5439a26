package io.uraid.io.nativeio;

import io.uraid.io.NativeBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The only class that makes native calls (through jnr-ffi). Everything else in uraid calls
 * these static methods, which return {@code -errno} on failure instead of throwing.
 *
 * <p>jnr-ffi corrupts the 6th argument of bindings with exactly six primitive parameters
 * (jnr/jnr-ffi#181). So every system call with more than four arguments goes through the
 * seven-parameter {@code syscall} binding (nr + 6 args), which takes jnr's generic, correct path;
 * calls with up to four arguments use the five-parameter fast path. Both are covered by canary
 * tests.
 */
public final class LinuxNative {

    /**
     * The raw binding. Public only because jnr-ffi implements it from another class loader;
     * callers use the static methods below, never this.
     */
    public interface LibC {
        long syscall(long nr, long a1, long a2, long a3, long a4);

        long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

        long syscall(long nr, long a1, long a2, long a3, long a4, Pointer a5);

        int open(String path, int flags, int mode);

        int close(int fd);
    }

    // Syscall numbers: x86_64's table, or the generic table arm64 uses (asm-generic/unistd.h).
    // The io_uring ones are the same on both.
    private static final boolean ARM64 = isArm64();
    static final int SYS_PREAD64 = ARM64 ? 67 : 17;
    static final int SYS_PWRITE64 = ARM64 ? 68 : 18;
    static final int SYS_FSTAT = ARM64 ? 80 : 5;
    static final int SYS_MMAP = ARM64 ? 222 : 9;
    static final int SYS_MUNMAP = ARM64 ? 215 : 11;
    static final int SYS_IOCTL = ARM64 ? 29 : 16;
    static final int SYS_FCNTL = ARM64 ? 25 : 72;
    static final int SYS_GETPID = ARM64 ? 172 : 39;
    static final int SYS_FSYNC = ARM64 ? 82 : 74;
    static final int SYS_FDATASYNC = ARM64 ? 83 : 75;
    static final int SYS_FALLOCATE = ARM64 ? 47 : 285;
    static final int SYS_IO_SETUP = ARM64 ? 0 : 206;
    static final int SYS_IO_DESTROY = ARM64 ? 1 : 207;
    static final int SYS_IO_GETEVENTS = ARM64 ? 4 : 208;
    static final int SYS_IO_SUBMIT = ARM64 ? 2 : 209;
    static final int SYS_WRITE = ARM64 ? 64 : 1;
    static final int SYS_EVENTFD2 = ARM64 ? 19 : 290;
    static final int SYS_SOCKET = ARM64 ? 198 : 41;
    static final int SYS_BIND = ARM64 ? 200 : 49;
    static final int SYS_SENDTO = ARM64 ? 206 : 44;
    static final int SYS_RECVFROM = ARM64 ? 207 : 45;
    static final int SYS_SHUTDOWN = ARM64 ? 210 : 48;
    static final int SYS_PPOLL = ARM64 ? 73 : 271;
    static final int SYS_IO_URING_SETUP = 425;
    static final int SYS_IO_URING_ENTER = 426;
    static final int SYS_IO_URING_REGISTER = 427;

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_CLOEXEC = 0x80000;
    /** O_DIRECT differs by architecture (0x4000 is O_DIRECTORY on arm64). */
    public static final int O_DIRECT = isArm64() ? 0x10000 : 0x4000;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;

    /** fcntl commands for open file description locks (Linux 3.15+). */
    public static final int F_OFD_GETLK = 36;
    public static final int F_OFD_SETLK = 37;
    /** struct flock l_type values. */
    public static final short F_RDLCK = 0;
    public static final short F_WRLCK = 1;
    public static final short F_UNLCK = 2;

    public static final long BLKGETSIZE64 = 0x80081272L;
    public static final long BLKSSZGET = 0x1268L;
    public static final long BLKPBSZGET = 0x127BL;

    public static final int S_IFMT = 0xF000;
    public static final int S_IFBLK = 0x6000;
    public static final int S_IFREG = 0x8000;

    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    private static final Throwable LOAD_FAILURE;

    static {
        LibC lib = null;
        Runtime rt = null;
        Throwable failure = null;
        try {
            if (!"Linux".equals(System.getProperty("os.name"))) {
                throw new UnsupportedOperationException("not Linux but " + System.getProperty("os.name"));
            }
            if (!"amd64".equals(System.getProperty("os.arch")) && !isArm64()) {
                throw new UnsupportedOperationException("unsupported architecture " + System.getProperty("os.arch"));
            }
            lib = LibraryLoader.create(LibC.class).failImmediately().load("c");
            rt = Runtime.getRuntime(lib);
        } catch (Throwable t) {
            failure = t;
            lib = null;
        }
        LIBC = lib;
        RUNTIME = rt;
        LOAD_FAILURE = failure;
    }

    private LinuxNative() {
    }

    private static boolean isArm64() {
        return "aarch64".equals(System.getProperty("os.arch"));
    }

    /** True when native calls can be made on this machine. */
    public static boolean isAvailable() {
        return LIBC != null;
    }

    /** Why native calls are unavailable, or null. */
    public static String unavailabilityCause() {
        return LOAD_FAILURE == null ? null : String.valueOf(LOAD_FAILURE.getMessage());
    }

    private static LibC libc() {
        if (LIBC == null) {
            throw new UnsupportedOperationException("native calls unavailable: " + unavailabilityCause());
        }
        return LIBC;
    }

    private static long check(long r) {
        return r == -1 ? -RUNTIME.getLastError() : r;
    }

    /** syscall with up to four arguments (fast path). */
    public static long syscall4(long nr, long a1, long a2, long a3, long a4) {
        return check(libc().syscall(nr, a1, a2, a3, a4));
    }

    /** syscall with up to six arguments (generic path; immune to the 6-argument bug). */
    public static long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return check(libc().syscall(nr, a1, a2, a3, a4, a5, a6));
    }

    /**
     * syscall with four arguments and a null fifth: a binding whose last parameter is a pointer
     * takes jnr-ffi's fast path without the 6-argument bug, and allocates nothing.
     */
    public static long syscall5Null(long nr, long a1, long a2, long a3, long a4) {
        return check(libc().syscall(nr, a1, a2, a3, a4, (Pointer) null));
    }

    public static int getpid() {
        return (int) syscall4(SYS_GETPID, 0, 0, 0, 0);
    }

    /** open(2); returns the descriptor or -errno. */
    public static int open(String path, int flags, int mode) {
        int fd = libc().open(path, flags | O_CLOEXEC, mode);
        return fd < 0 ? -RUNTIME.getLastError() : fd;
    }

    public static int close(int fd) {
        int r = libc().close(fd);
        return r < 0 ? -RUNTIME.getLastError() : r;
    }

    public static long pread(int fd, long address, long length, long offset) {
        return syscall4(SYS_PREAD64, fd, address, length, offset);
    }

    public static long pwrite(int fd, long address, long length, long offset) {
        return syscall4(SYS_PWRITE64, fd, address, length, offset);
    }

    public static int fsync(int fd, boolean dataOnly) {
        return (int) syscall4(dataOnly ? SYS_FDATASYNC : SYS_FSYNC, fd, 0, 0, 0);
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        return (int) syscall4(SYS_FALLOCATE, fd, mode, offset, length);
    }

    /** ioctl(fd, request, argp) with argp a native address. */
    public static int ioctl(int fd, long request, long argp) {
        return (int) syscall4(SYS_IOCTL, fd, request, argp, 0);
    }

    /** ioctl that writes a u64 (e.g. BLKGETSIZE64): returns the value, or -errno. */
    public static long ioctlU64(int fd, long request) {
        try (NativeBuffer out = NativeBuffer.allocate(8, 8)) {
            int r = ioctl(fd, request, out.address());
            return r < 0 ? r : out.view().getLong(0);
        }
    }

    /** ioctl that writes an int (e.g. BLKSSZGET): returns the value, or -errno. */
    public static int ioctlInt(int fd, long request) {
        try (NativeBuffer out = NativeBuffer.allocate(8, 8)) {
            int r = ioctl(fd, request, out.address());
            return r < 0 ? r : out.view().getInt(0);
        }
    }

    /**
     * fcntl(fd, F_OFD_SETLK) of the whole file with {@code type} ({@link #F_RDLCK},
     * {@link #F_WRLCK} or {@link #F_UNLCK}): 0, or -EAGAIN/-EACCES when another open file
     * description holds a conflicting lock, or another -errno.
     */
    public static int ofdSetLock(int fd, short type) {
        try (NativeBuffer flock = wholeFileFlock(type)) {
            return (int) syscall4(SYS_FCNTL, fd, F_OFD_SETLK, flock.address(), 0);
        }
    }

    /**
     * fcntl(fd, F_OFD_GETLK) of the whole file: the type of a lock held elsewhere that would
     * conflict with {@code type} ({@link #F_UNLCK} when none), or -errno.
     */
    public static int ofdGetLock(int fd, short type) {
        try (NativeBuffer flock = wholeFileFlock(type)) {
            int r = (int) syscall4(SYS_FCNTL, fd, F_OFD_GETLK, flock.address(), 0);
            return r < 0 ? r : flock.view().getShort(0);
        }
    }

    /** struct flock (the same 32 bytes on x86_64 and arm64): l_type, SEEK_SET, start 0, length 0 (all), pid 0. */
    private static NativeBuffer wholeFileFlock(short type) {
        NativeBuffer b = NativeBuffer.allocate(32, 8);
        b.view().putShort(0, type); // allocate() zero-fills the rest
        return b;
    }

    /** fstat into a 144-byte buffer; returns 0 or -errno. */
    public static int fstat(int fd, long statAddress) {
        return (int) syscall4(SYS_FSTAT, fd, statAddress, 0, 0);
    }

    /** mmap(NULL, length, prot, flags, fd, offset): the address, or -errno. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        long r = libc().syscall(SYS_MMAP, 0, length, prot, flags, fd, offset);
        // The raw kernel ABI through glibc's syscall(): failures are -1 with errno set.
        return r == -1 ? -RUNTIME.getLastError() : r;
    }

    public static int munmap(long address, long length) {
        return (int) syscall4(SYS_MUNMAP, address, length, 0, 0);
    }

    public static int ioUringSetup(int entries, long paramsAddress) {
        return (int) syscall4(SYS_IO_URING_SETUP, entries, paramsAddress, 0, 0);
    }

    /**
     * io_uring_enter with an explicit null sigset. The sigset size (6th argument) is left
     * unset: without IORING_ENTER_EXT_ARG the kernel reads it only when the sigset is non-null.
     * Goes through the five-argument pointer binding, which neither allocates nor hits the
     * 6-argument bug (the generic seven-parameter path allocates 72 bytes per call).
     */
    public static int ioUringEnter(int ringFd, int toSubmit, int minComplete, int flags) {
        return (int) syscall5Null(SYS_IO_URING_ENTER, ringFd, toSubmit, minComplete, flags);
    }

    public static int ioUringRegister(int ringFd, int opcode, long arg, int nrArgs) {
        return (int) syscall4(SYS_IO_URING_REGISTER, ringFd, opcode, arg, nrArgs);
    }

    /** io_setup(nr, ctxp): ctxp must point at a zeroed u64. */
    public static int ioSetup(int nrEvents, long ctxAddress) {
        return (int) syscall4(SYS_IO_SETUP, nrEvents, ctxAddress, 0, 0);
    }

    public static int ioDestroy(long ctx) {
        return (int) syscall4(SYS_IO_DESTROY, ctx, 0, 0, 0);
    }

    public static int ioSubmit(long ctx, long nr, long iocbPointersAddress) {
        return (int) syscall4(SYS_IO_SUBMIT, ctx, nr, iocbPointersAddress, 0);
    }

    /**
     * io_getevents(ctx, min, nr, events, NULL): no timeout, which with {@code minNr} 0 still
     * returns at once (the kernel checks for events before it would sleep).
     */
    public static int ioGetEvents(long ctx, long minNr, long nr, long eventsAddress) {
        return (int) syscall5Null(SYS_IO_GETEVENTS, ctx, minNr, nr, eventsAddress);
    }

    /** eventfd2(initval, flags): a new eventfd descriptor (close-on-exec), or -errno. */
    public static int eventfd(int initialValue) {
        return (int) syscall4(SYS_EVENTFD2, initialValue, O_CLOEXEC, 0, 0);
    }

    /** write(2) of {@code length} bytes at a native address: bytes written, or -errno. */
    public static long write(int fd, long address, long length) {
        return syscall4(SYS_WRITE, fd, address, length, 0);
    }

    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int MSG_DONTWAIT = 0x40;

    /** socket(2) (close-on-exec): a descriptor, or -errno. */
    public static int socket(int domain, int type) {
        return (int) syscall4(SYS_SOCKET, domain, type | O_CLOEXEC, 0, 0);
    }

    /** bind(2) to the socket address at {@code address} ({@code length} bytes): 0 or -errno. */
    public static int bind(int fd, long address, int length) {
        return (int) syscall4(SYS_BIND, fd, address, length, 0);
    }

    /** sendto(2) of {@code length} bytes at {@code buffer} to the address at {@code to}: bytes sent, or -errno. */
    public static long sendto(int fd, long buffer, long length, int flags, long to, int toLength) {
        return syscall6(SYS_SENDTO, fd, buffer, length, flags, to, toLength);
    }

    /** recv(2) (recvfrom without the sender's address): bytes received, or -errno. */
    public static long recv(int fd, long buffer, long length, int flags) {
        return syscall6(SYS_RECVFROM, fd, buffer, length, flags, 0, 0);
    }

    /** fcntl commands and flags for a socket handed over to native TLS. */
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    public static final int SHUT_RDWR = 2;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;

    /** A close-on-exec duplicate of {@code fd} (same open socket, own descriptor number), or -errno. */
    public static int dupCloseOnExec(int fd) {
        return (int) syscall4(SYS_FCNTL, fd, F_DUPFD_CLOEXEC, 0, 0);
    }

    /** Sets O_NONBLOCK on {@code fd}'s open file description: 0 or -errno. */
    public static int setNonBlocking(int fd) {
        long flags = syscall4(SYS_FCNTL, fd, F_GETFL, 0, 0);
        return flags < 0 ? (int) flags : (int) syscall4(SYS_FCNTL, fd, F_SETFL, flags | O_NONBLOCK, 0);
    }

    /** shutdown(2): 0 or -errno. */
    public static int shutdown(int fd, int how) {
        return (int) syscall4(SYS_SHUTDOWN, fd, how, 0, 0);
    }

    /**
     * ppoll(2) on the {@code count} struct pollfd at {@code fds}, waiting at most as long as the
     * struct timespec at {@code timeout} says: how many are ready (0 on timeout), or -errno.
     */
    public static int ppoll(long fds, int count, long timeout) {
        return (int) syscall4(SYS_PPOLL, fds, count, timeout, 0);
    }

    public static final int S_IFSOCK = 0xC000;

    /**
     * The file type bits of {@code fd} ({@code st_mode & S_IFMT}: {@link #S_IFSOCK}, ...), or
     * -errno. Allocates (a stat buffer): not for hot paths.
     */
    public static int fileType(int fd) {
        try (NativeBuffer st = NativeBuffer.allocate(256, 8)) {
            int r = fstat(fd, st.address());
            // st_mode follows st_dev, st_ino (and st_nlink on x86_64) in struct stat
            return r < 0 ? r : st.view().getInt(ARM64 ? 16 : 24) & S_IFMT;
        }
    }
}
