package io.uraid.io.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canary tests for every {@link LinuxNative} binding. jnr-ffi passes a garbage 6th argument to
 * bindings with exactly six primitive parameters (jnr/jnr-ffi#181), and a wrong-arity binding
 * leaves register garbage in the missing arguments; so every argument of every call gets an
 * unusual value here and the effect is checked through an independent path (java.nio, /proc,
 * ProcessHandle), never through the binding under test alone.
 */
class LinuxNativeTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LinuxNative.isAvailable(), "native calls unavailable: " + LinuxNative.unavailabilityCause());
        dir = TestDirs.create("native");
    }

    @AfterEach
    void tearDown() {
        TestDirs.delete(dir);
    }

    private static byte[] pattern(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path fileWith(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "f", ".bin");
        Files.write(f, content);
        return f;
    }

    private static byte[] readNio(Path f, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
                // loop until full or EOF
            }
            return b.array();
        }
    }

    @Test
    void getpidMatchesProcessHandle() {
        assertEquals(ProcessHandle.current().pid(), LinuxNative.getpid());
    }

    @Test
    void openCreatesExclusivelyWithMode0640() throws IOException {
        Path f = dir.resolve("created");
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDWR | LinuxNative.O_CREAT | LinuxNative.O_EXCL, 0640);
        assertTrue(fd >= 0, "open: " + Errno.name(fd));
        try {
            // Independent check; 0640 survives any usual umask (022, 027, 002).
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            int again = LinuxNative.open(f.toString(), LinuxNative.O_RDWR | LinuxNative.O_CREAT | LinuxNative.O_EXCL,
                    0640);
            assertEquals(-Errno.EEXIST, again);
        } finally {
            assertEquals(0, LinuxNative.close(fd));
        }
        assertEquals(-Errno.EBADF, LinuxNative.close(fd));
        assertEquals(-Errno.ENOENT, LinuxNative.open(dir.resolve("missing").toString(), LinuxNative.O_RDONLY, 0));
    }

    @Test
    void preadAtCanaryOffsetAndLength() throws IOException {
        byte[] content = pattern(40_000, 1);
        Path f = fileWith(content);
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDONLY, 0);
        try (NativeBuffer buf = NativeBuffer.allocate(8192)) {
            long n = LinuxNative.pread(fd, buf.address() + 3, 5_555, 12_345);
            assertEquals(5_555, n);
            byte[] got = new byte[5_555];
            buf.view(3, 5_555).get(got);
            assertArrayEquals(readNio(f, 12_345, 5_555), got);
            // Past EOF: 0 bytes, not garbage.
            assertEquals(0, LinuxNative.pread(fd, buf.address(), 100, 1_000_000));
        } finally {
            LinuxNative.close(fd);
        }
    }

    @Test
    void pwriteAtCanaryOffsetAndLength() throws IOException {
        Path f = fileWith(new byte[50_000]);
        byte[] data = pattern(7_777, 2);
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDWR, 0);
        try (NativeBuffer buf = NativeBuffer.allocate(8192)) {
            buf.view(5, data.length).put(data);
            assertEquals(7_777, LinuxNative.pwrite(fd, buf.address() + 5, 7_777, 23_456));
            assertEquals(0, LinuxNative.fsync(fd, false));
            assertEquals(0, LinuxNative.fsync(fd, true));
        } finally {
            LinuxNative.close(fd);
        }
        assertArrayEquals(data, readNio(f, 23_456, 7_777));
        assertArrayEquals(new byte[100], readNio(f, 23_356, 100));
        assertEquals(50_000, Files.size(f));
        assertEquals(-Errno.EBADF, LinuxNative.fsync(fd, true));
    }

    @Test
    void fallocatePunchesTheCanaryRange() throws IOException {
        byte[] content = pattern(64 * 1024, 3);
        Path f = fileWith(content);
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDWR, 0);
        try {
            // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
            assertEquals(0, LinuxNative.fallocate(fd, 3, 12_288, 8_192));
            // PUNCH_HOLE without KEEP_SIZE is invalid: proves the mode argument arrives.
            assertEquals(-Errno.EOPNOTSUPP, LinuxNative.fallocate(fd, 2, 0, 4096));
        } finally {
            LinuxNative.close(fd);
        }
        assertEquals(64 * 1024, Files.size(f));
        assertArrayEquals(new byte[8_192], readNio(f, 12_288, 8_192));
        byte[] after = readNio(f, 20_480, 4096);
        byte[] expected = new byte[4096];
        System.arraycopy(content, 20_480, expected, 0, 4096);
        assertArrayEquals(expected, after);
    }

    @Test
    void fstatReportsSizeAndType() throws IOException {
        Path f = fileWith(pattern(12_347, 4));
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDONLY, 0);
        try (NativeBuffer st = NativeBuffer.allocate(256, 8)) {
            assertEquals(0, LinuxNative.fstat(fd, st.address()));
            ByteBuffer b = st.view();
            assertEquals(LinuxNative.S_IFREG, b.getInt(24) & LinuxNative.S_IFMT);
            assertEquals(12_347, b.getLong(48));
        } finally {
            LinuxNative.close(fd);
        }
    }

    @Test
    void mmapAtNonZeroOffsetSharesTheFileBytes() throws IOException {
        byte[] content = pattern(6 * 4096, 5);
        Path f = fileWith(content);
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDWR, 0);
        try {
            // offset is the 6th argument: the one jnr-ffi corrupts in 6-primitive bindings.
            long len = 5_000;
            long addr = LinuxNative.mmap(len, LinuxNative.PROT_READ | LinuxNative.PROT_WRITE,
                    LinuxNative.MAP_SHARED, fd, 3 * 4096);
            assertTrue(addr > 0, "mmap: " + Errno.name((int) addr));
            try {
                for (int i = 0; i < len; i += 97) {
                    assertEquals(content[3 * 4096 + i], io.uraid.io.internal.UnsafeAccess.getByte(addr + i),
                            "byte " + i);
                }
                // MAP_SHARED (4th argument): a store is visible through the file.
                io.uraid.io.internal.UnsafeAccess.putByte(addr + 10, (byte) (content[3 * 4096 + 10] ^ 0x5a));
            } finally {
                assertEquals(0, LinuxNative.munmap(addr, len));
            }
            assertEquals((byte) (content[3 * 4096 + 10] ^ 0x5a), readNio(f, 3 * 4096 + 10, 1)[0]);
            // Unaligned offset: EINVAL proves the offset is passed through, not dropped.
            assertEquals(-Errno.EINVAL, LinuxNative.mmap(4096, LinuxNative.PROT_READ, LinuxNative.MAP_SHARED, fd, 100));
        } finally {
            LinuxNative.close(fd);
        }
    }

    /**
     * The five-parameter binding whose last parameter is a (null) pointer, used for
     * io_uring_enter and io_getevents: kcmp(pid1, pid2, type, idx1, idx2) reads all five, and
     * KCMP_FILE with idx2 = 0 compares against fd 0, so a garbage fifth argument shows as EBADF.
     */
    @Test
    void fiveArgumentBindingPassesANullFifthArgument() throws IOException {
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "kcmp syscall number checked on x86_64 only");
        assumeTrue(Files.exists(Path.of("/proc/self/fd/0")), "fd 0 is closed");
        final int sysKcmp = 312;
        final int kcmpFile = 0;
        final int kcmpVm = 1;
        int pid = LinuxNative.getpid();
        long r = LinuxNative.syscall5Null(sysKcmp, pid, pid, kcmpFile, 0);
        assumeTrue(r != -Errno.ENOSYS && r != -Errno.EPERM, "kcmp unavailable: " + Errno.name((int) r));
        assertEquals(0, r, "fd 0 against fd 0 (the null fifth argument)");
        int fd = LinuxNative.open(fileWith(new byte[16]).toString(), LinuxNative.O_RDONLY, 0);
        try {
            long other = LinuxNative.syscall5Null(sysKcmp, pid, pid, kcmpFile, fd);
            assertTrue(other == 1 || other == 2, "a different file orders before or after fd 0: " + other);
        } finally {
            LinuxNative.close(fd);
        }
        assertEquals(0, LinuxNative.syscall5Null(sysKcmp, pid, pid, kcmpVm, 0xDEADBEEFL), "same mm");
        assertEquals(-3 /* ESRCH */, LinuxNative.syscall5Null(sysKcmp, 0x3FFFFFFF, pid, kcmpVm, 0));
    }

    @Test
    void ioctlOnRegularFileIsEnotty() throws IOException {
        Path f = fileWith(new byte[4096]);
        int fd = LinuxNative.open(f.toString(), LinuxNative.O_RDONLY, 0);
        try {
            assertEquals(-Errno.ENOTTY, LinuxNative.ioctlU64(fd, LinuxNative.BLKGETSIZE64));
            assertEquals(-Errno.ENOTTY, LinuxNative.ioctlInt(fd, LinuxNative.BLKSSZGET));
        } finally {
            LinuxNative.close(fd);
        }
    }

    @Test
    void ioctlReadsLoopDeviceGeometry() throws IOException {
        LoopDevice.assumeAvailable();
        Path f = dir.resolve("loop.img");
        long size = 3L * 1024 * 1024 + 5 * 4096; // an odd size, so a wrong ioctl result shows
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.write(ByteBuffer.wrap(new byte[] {1}), size - 1);
        }
        try (LoopDevice loop = LoopDevice.attach(f, 4096)) {
            int fd = LinuxNative.open(loop.path().toString(), LinuxNative.O_RDONLY, 0);
            assertTrue(fd >= 0, "open " + loop.path() + ": " + Errno.name(fd));
            try {
                assertEquals(size, LinuxNative.ioctlU64(fd, LinuxNative.BLKGETSIZE64));
                assertEquals(4096, LinuxNative.ioctlInt(fd, LinuxNative.BLKSSZGET));
                assertEquals(4096, LinuxNative.ioctlInt(fd, LinuxNative.BLKPBSZGET));
                try (NativeBuffer st = NativeBuffer.allocate(256, 8)) {
                    assertEquals(0, LinuxNative.fstat(fd, st.address()));
                    assertEquals(LinuxNative.S_IFBLK, st.view().getInt(24) & LinuxNative.S_IFMT);
                }
            } finally {
                LinuxNative.close(fd);
            }
        }
    }
}
