package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.*;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One io_uring instance: the ring descriptor and the three shared mappings (SQ ring, CQ ring,
 * SQE array), with the raw addresses of the fields the engine touches. Owns setup and teardown
 * only; ring traffic is {@link IoUringEngine}'s job.
 */
final class UringRings implements AutoCloseable {
    /** Tried first (5.19+): SUBMIT_ALL avoids partial submissions, COOP_TASKRUN avoids IPIs. */
    private static final int MODERN_FLAGS =
            SETUP_CQSIZE | SETUP_CLAMP | SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG;
    /** Fallback for 5.6+ kernels, which reject flags they do not know with EINVAL. */
    private static final int BASIC_FLAGS = SETUP_CQSIZE | SETUP_CLAMP;

    private static final int[] REQUIRED_OPS = {OP_READ, OP_WRITE, OP_READ_FIXED, OP_WRITE_FIXED, OP_FSYNC,
        OP_FALLOCATE};
    private static final String[] REQUIRED_OP_NAMES = {"READ", "WRITE", "READ_FIXED", "WRITE_FIXED", "FSYNC",
        "FALLOCATE"};

    final int ringFd;
    final int setupFlags;
    final int features;
    final int sqEntries;
    final int cqEntries;
    final int sqMask;
    final int cqMask;
    final long sqHead;
    final long sqTail;
    final long sqFlags;
    final long sqArray;
    final long sqes;
    final long cqHead;
    final long cqTail;
    final long cqes;

    private final long sqRingBase;
    private final long sqRingLen;
    private final long cqRingBase;
    private final long cqRingLen;
    private final long sqesLen;
    private boolean closed;

    private UringRings(int ringFd, ByteBuffer p, int setupFlags, long sqRingBase, long sqRingLen, long cqRingBase,
                       long cqRingLen, long sqes, long sqesLen) {
        this.ringFd = ringFd;
        this.setupFlags = setupFlags;
        this.features = p.getInt(P_FEATURES);
        this.sqEntries = p.getInt(P_SQ_ENTRIES);
        this.cqEntries = p.getInt(P_CQ_ENTRIES);
        this.sqRingBase = sqRingBase;
        this.sqRingLen = sqRingLen;
        this.cqRingBase = cqRingBase;
        this.cqRingLen = cqRingLen;
        this.sqes = sqes;
        this.sqesLen = sqesLen;
        this.sqHead = sqRingBase + p.getInt(P_SQ_OFF + SQO_HEAD);
        this.sqTail = sqRingBase + p.getInt(P_SQ_OFF + SQO_TAIL);
        this.sqFlags = sqRingBase + p.getInt(P_SQ_OFF + SQO_FLAGS);
        this.sqArray = sqRingBase + p.getInt(P_SQ_OFF + SQO_ARRAY);
        this.sqMask = UnsafeAccess.getInt(sqRingBase + p.getInt(P_SQ_OFF + SQO_RING_MASK));
        this.cqHead = cqRingBase + p.getInt(P_CQ_OFF + CQO_HEAD);
        this.cqTail = cqRingBase + p.getInt(P_CQ_OFF + CQO_TAIL);
        this.cqes = cqRingBase + p.getInt(P_CQ_OFF + CQO_CQES);
        this.cqMask = UnsafeAccess.getInt(cqRingBase + p.getInt(P_CQ_OFF + CQO_RING_MASK));
        // Identity map ring slot i -> SQE i once; the engine then addresses SQEs by tail & mask.
        for (int i = 0; i < sqEntries; i++) {
            UnsafeAccess.putInt(sqArray + 4L * i, i);
        }
    }

    /**
     * Creates a ring with {@code entries} SQEs (rounded up to a power of two by the kernel) and
     * twice as many CQEs.
     *
     * @throws IOException with a one-line reason when the kernel refuses
     */
    static UringRings create(int entries) throws IOException {
        try (NativeBuffer params = NativeBuffer.allocate(PARAMS_SIZE, 8)) {
            ByteBuffer p = params.view();
            int flags = MODERN_FLAGS;
            int fd = setup(entries, p, params.address(), flags);
            if (fd == -Errno.EINVAL) {
                flags = BASIC_FLAGS;
                fd = setup(entries, p, params.address(), flags);
            }
            if (fd < 0) {
                throw new IOException(setupFailure(fd));
            }
            try {
                return map(fd, p, flags);
            } catch (IOException | RuntimeException e) {
                LinuxNative.close(fd);
                throw e;
            }
        }
    }

    private static int setup(int entries, ByteBuffer p, long address, int flags) {
        for (int i = 0; i < PARAMS_SIZE; i += 4) {
            p.putInt(i, 0);
        }
        p.putInt(P_FLAGS, flags);
        p.putInt(P_CQ_ENTRIES, 2 * entries);
        return LinuxNative.ioUringSetup(entries, address);
    }

    static String setupFailure(int err) {
        switch (-err) {
            case Errno.ENOSYS:
                return "io_uring_setup: ENOSYS (kernel without io_uring)";
            case Errno.EPERM:
                return "io_uring_setup: EPERM (blocked by seccomp, e.g. a container's default profile, "
                        + "or by kernel.io_uring_disabled)";
            case Errno.EINVAL:
                return "io_uring_setup: EINVAL (kernel too old: needs Linux 5.6+)";
            case Errno.ENOMEM:
                return "io_uring_setup: ENOMEM (out of memory or RLIMIT_MEMLOCK too low)";
            default:
                return "io_uring_setup: " + Errno.name(err) + " (" + Errno.describe(err) + ")";
        }
    }

    private static UringRings map(int fd, ByteBuffer p, int flags) throws IOException {
        int features = p.getInt(P_FEATURES);
        long sqLen = p.getInt(P_SQ_OFF + SQO_ARRAY) + 4L * p.getInt(P_SQ_ENTRIES);
        long cqLen = p.getInt(P_CQ_OFF + CQO_CQES) + (long) CQE_SIZE * p.getInt(P_CQ_ENTRIES);
        int prot = LinuxNative.PROT_READ | LinuxNative.PROT_WRITE;
        int mflags = LinuxNative.MAP_SHARED | LinuxNative.MAP_POPULATE;
        long sqBase;
        long cqBase;
        if ((features & FEAT_SINGLE_MMAP) != 0) {
            // Since 5.4 both rings share one mapping: map the larger size once.
            sqLen = Math.max(sqLen, cqLen);
            cqLen = 0;
            sqBase = mmapOrThrow(sqLen, prot, mflags, fd, OFF_SQ_RING, "SQ/CQ ring");
            cqBase = sqBase;
        } else {
            sqBase = mmapOrThrow(sqLen, prot, mflags, fd, OFF_SQ_RING, "SQ ring");
            long c = LinuxNative.mmap(cqLen, prot, mflags, fd, OFF_CQ_RING);
            if (c < 0) {
                LinuxNative.munmap(sqBase, sqLen);
                throw new IOException("io_uring: cannot map CQ ring: " + Errno.describe((int) c));
            }
            cqBase = c;
        }
        long sqesLen = (long) SQE_SIZE * p.getInt(P_SQ_ENTRIES);
        long s = LinuxNative.mmap(sqesLen, prot, mflags, fd, OFF_SQES);
        if (s < 0) {
            LinuxNative.munmap(sqBase, sqLen);
            if (cqLen > 0) {
                LinuxNative.munmap(cqBase, cqLen);
            }
            throw new IOException("io_uring: cannot map SQEs: " + Errno.describe((int) s));
        }
        return new UringRings(fd, p, flags, sqBase, sqLen, cqBase, cqLen, s, sqesLen);
    }

    private static long mmapOrThrow(long len, int prot, int flags, int fd, long off, String what)
            throws IOException {
        long a = LinuxNative.mmap(len, prot, flags, fd, off);
        if (a < 0) {
            throw new IOException("io_uring: cannot map " + what + ": " + Errno.describe((int) a));
        }
        return a;
    }

    /**
     * Asks the kernel (IORING_REGISTER_PROBE) whether every opcode the engine uses is
     * supported; returns null when they all are, else a one-line reason.
     */
    String missingOpcodes() {
        int nOps = 256;
        try (NativeBuffer probe = NativeBuffer.allocate(PROBE_HEADER + PROBE_OP_SIZE * nOps, 8)) {
            int r = LinuxNative.ioUringRegister(ringFd, REGISTER_PROBE, probe.address(), nOps);
            if (r < 0) {
                return "kernel too old: IORING_REGISTER_PROBE failed with " + Errno.name(r) + " (needs Linux 5.6+)";
            }
            ByteBuffer b = probe.view();
            int lastOp = b.get(0) & 0xff;
            StringBuilder missing = new StringBuilder();
            for (int i = 0; i < REQUIRED_OPS.length; i++) {
                int op = REQUIRED_OPS[i];
                boolean ok = op <= lastOp
                        && (b.getShort(PROBE_HEADER + PROBE_OP_SIZE * op + PROBE_OP_FLAGS) & OP_SUPPORTED) != 0;
                if (!ok) {
                    missing.append(missing.length() == 0 ? "" : ", ").append(REQUIRED_OP_NAMES[i]);
                }
            }
            return missing.length() == 0 ? null : "kernel lacks io_uring opcodes: " + missing;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LinuxNative.munmap(sqes, sqesLen);
        LinuxNative.munmap(sqRingBase, sqRingLen);
        if (cqRingLen > 0) {
            LinuxNative.munmap(cqRingBase, cqRingLen);
        }
        LinuxNative.close(ringFd);
    }
}
