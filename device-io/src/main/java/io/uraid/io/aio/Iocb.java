package io.uraid.io.aio;

import static io.uraid.io.internal.OpSlots.*;

import io.uraid.io.internal.UnsafeAccess;

/**
 * Fills one 64-byte {@code struct iocb} (linux/aio_abi.h, x86_64/arm64) and reads one
 * 32-byte {@code struct io_event}. Every iocb field is written every time: slots are reused and
 * the kernel rejects stale reserved bits.
 */
final class Iocb {
    static final int SIZE = 64;
    static final int EVENT_SIZE = 32;
    private static final short CMD_PREAD = 0;
    private static final short CMD_PWRITE = 1;
    private static final short CMD_FSYNC = 2;
    private static final short CMD_FDSYNC = 3;
    private static final int RWF_DSYNC = 2;

    private Iocb() {
    }

    /**
     * @param a     address of the iocb
     * @param data  aio_data, returned in the event (the engine's slot)
     * @param op    an {@code OpSlots.OP_*} other than discard
     * @param fua   a write that must be durable when it completes (RWF_DSYNC)
     * @param fd    descriptor
     * @param buf   buffer address (0 for fsync)
     * @param bytes byte count (0 for fsync)
     * @param off   file offset (0 for fsync)
     */
    static void write(long a, long data, byte op, boolean fua, int fd, long buf, long bytes, long off) {
        short cmd;
        switch (op) {
            case OP_READ: cmd = CMD_PREAD; break;
            case OP_WRITE: cmd = CMD_PWRITE; break;
            case OP_FSYNC: cmd = CMD_FSYNC; break;
            default: cmd = CMD_FDSYNC; break;
        }
        UnsafeAccess.putLong(a, data);
        UnsafeAccess.putInt(a + 8, 0);
        UnsafeAccess.putInt(a + 12, op == OP_WRITE && fua ? RWF_DSYNC : 0);
        UnsafeAccess.putShort(a + 16, cmd);
        UnsafeAccess.putShort(a + 18, (short) 0);
        UnsafeAccess.putInt(a + 20, fd);
        UnsafeAccess.putLong(a + 24, buf);
        UnsafeAccess.putLong(a + 32, bytes);
        UnsafeAccess.putLong(a + 40, off);
        UnsafeAccess.putLong(a + 48, 0);
        UnsafeAccess.putInt(a + 56, 0);
        UnsafeAccess.putInt(a + 60, 0);
    }

    /** The aio_data of the event at {@code e}. */
    static long eventData(long e) {
        return UnsafeAccess.getLong(e);
    }

    /** The result ({@code res}) of the event at {@code e}: bytes transferred or -errno. */
    static long eventResult(long e) {
        return UnsafeAccess.getLong(e + 16);
    }
}
