package io.uraid.io.uring;

/**
 * io_uring kernel ABI: constants and struct offsets from {@code linux/io_uring.h} (x86_64 and
 * arm64 share them). Offsets were checked against the kernel headers with a C offsetof probe.
 */
final class UringAbi {
    private UringAbi() {
    }

    // struct io_uring_params (120 bytes)
    static final int PARAMS_SIZE = 120;
    static final int P_SQ_ENTRIES = 0;
    static final int P_CQ_ENTRIES = 4;
    static final int P_FLAGS = 8;
    static final int P_FEATURES = 20;
    static final int P_SQ_OFF = 40;
    static final int P_CQ_OFF = 80;

    // struct io_sqring_offsets, relative to P_SQ_OFF
    static final int SQO_HEAD = 0;
    static final int SQO_TAIL = 4;
    static final int SQO_RING_MASK = 8;
    static final int SQO_RING_ENTRIES = 12;
    static final int SQO_FLAGS = 16;
    static final int SQO_ARRAY = 24;

    // struct io_cqring_offsets, relative to P_CQ_OFF
    static final int CQO_HEAD = 0;
    static final int CQO_TAIL = 4;
    static final int CQO_RING_MASK = 8;
    static final int CQO_RING_ENTRIES = 12;
    static final int CQO_CQES = 20;

    static final int SQE_SIZE = 64;
    static final int SQE_SHIFT = 6;
    static final int CQE_SIZE = 16;
    static final int CQE_SHIFT = 4;
    static final int CQE_USER_DATA = 0;
    static final int CQE_RES = 8;

    // mmap offsets
    static final long OFF_SQ_RING = 0L;
    static final long OFF_CQ_RING = 0x8000000L;
    static final long OFF_SQES = 0x10000000L;

    // setup flags
    static final int SETUP_CQSIZE = 8;
    static final int SETUP_CLAMP = 16;
    static final int SETUP_SUBMIT_ALL = 128;
    static final int SETUP_COOP_TASKRUN = 256;
    static final int SETUP_TASKRUN_FLAG = 512;

    static final int FEAT_SINGLE_MMAP = 1;
    static final int FEAT_NODROP = 2;

    // SQ ring flags word
    static final int SQ_CQ_OVERFLOW = 2;
    static final int SQ_TASKRUN = 4;

    static final int ENTER_GETEVENTS = 1;

    // sqe flags
    static final int IOSQE_FIXED_FILE = 1;
    static final int IOSQE_IO_LINK = 4;

    // opcodes
    static final int OP_FSYNC = 3;
    static final int OP_READ_FIXED = 4;
    static final int OP_WRITE_FIXED = 5;
    static final int OP_FALLOCATE = 17;
    static final int OP_READ = 22;
    static final int OP_WRITE = 23;

    static final int FSYNC_DATASYNC = 1;
    static final int RWF_DSYNC = 2;
    /** FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE. */
    static final int FALLOC_PUNCH_HOLE_KEEP_SIZE = 3;

    // io_uring_register opcodes
    static final int REGISTER_BUFFERS = 0;
    static final int UNREGISTER_BUFFERS = 1;
    static final int REGISTER_FILES = 2;
    static final int UNREGISTER_FILES = 3;
    static final int REGISTER_FILES_UPDATE = 6;
    static final int REGISTER_PROBE = 8;

    // struct io_uring_probe: 16-byte header, then 8-byte io_uring_probe_op {op, resv, flags u16, resv2}
    static final int PROBE_HEADER = 16;
    static final int PROBE_OP_SIZE = 8;
    static final int PROBE_OP_FLAGS = 2;
    static final int OP_SUPPORTED = 1;

    /** Largest ring the kernel accepts (IORING_MAX_ENTRIES). */
    static final int MAX_ENTRIES = 32768;
}
