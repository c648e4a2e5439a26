package io.uraid.io.uring;

import io.uraid.io.internal.UnsafeAccess;

/**
 * Fills one 64-byte {@code struct io_uring_sqe}. Every field is written every time, because SQE
 * slots are reused and a stale field (ioprio, personality, file_index, addr3...) left over from
 * an earlier operation would change the meaning of the next one. The fields are packed into
 * eight little-endian 64-bit stores (both supported architectures are little-endian).
 */
final class SqeWriter {
    private SqeWriter() {
    }

    /**
     * @param sqe      address of the SQE
     * @param opcode   IORING_OP_*
     * @param flags    IOSQE_* flags
     * @param fd       descriptor, or registered-file index with IOSQE_FIXED_FILE
     * @param off      file offset (off/addr2)
     * @param addr     buffer address (or, for FALLOCATE, the length)
     * @param len      byte count (or, for FALLOCATE, the mode)
     * @param opFlags  rw_flags / fsync_flags
     * @param userData returned in the CQE
     * @param bufIndex registered buffer index for READ_FIXED/WRITE_FIXED, else 0
     */
    static void write(long sqe, int opcode, int flags, int fd, long off, long addr, int len, int opFlags,
                      long userData, int bufIndex) {
        // opcode u8@0, flags u8@1, ioprio u16@2 (0), fd s32@4
        UnsafeAccess.putLong(sqe, (opcode & 0xFFL) | (flags & 0xFFL) << 8 | ((long) fd) << 32);
        UnsafeAccess.putLong(sqe + 8, off);
        UnsafeAccess.putLong(sqe + 16, addr);
        // len u32@24, rw_flags u32@28
        UnsafeAccess.putLong(sqe + 24, (len & 0xFFFFFFFFL) | ((long) opFlags) << 32);
        UnsafeAccess.putLong(sqe + 32, userData);
        // buf_index u16@40, personality u16@42 (0), file_index u32@44 (0)
        UnsafeAccess.putLong(sqe + 40, bufIndex & 0xFFFFL);
        UnsafeAccess.putLong(sqe + 48, 0L);
        UnsafeAccess.putLong(sqe + 56, 0L);
    }
}
