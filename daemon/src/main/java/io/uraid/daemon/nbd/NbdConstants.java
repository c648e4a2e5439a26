package io.uraid.daemon.nbd;

import io.uraid.io.Errno;

/**
 * Wire constants of the NBD protocol (NetworkBlockDevice/nbd {@code doc/proto.md}). Every
 * integer on the wire is big-endian. Only what this server speaks is listed.
 */
final class NbdConstants {
    private NbdConstants() {
    }

    // --- Handshake ---------------------------------------------------------------------------
    static final long NBDMAGIC = 0x4e42444d41474943L;          // "NBDMAGIC"
    static final long IHAVEOPT = 0x49484156454F5054L;          // "IHAVEOPT"
    static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    /** Server handshake flags. */
    static final int FLAG_FIXED_NEWSTYLE = 1;
    static final int FLAG_NO_ZEROES = 1 << 1;

    /** Client flags; any other bit set means the client wants something we don't know: drop. */
    static final int CLIENT_FIXED_NEWSTYLE = 1;
    static final int CLIENT_NO_ZEROES = 1 << 1;
    static final int CLIENT_KNOWN_FLAGS = CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES;

    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_LIST = 3;
    static final int OPT_STARTTLS = 5;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;
    static final int OPT_STRUCTURED_REPLY = 8;

    static final int REP_ACK = 1;
    static final int REP_SERVER = 2;
    static final int REP_INFO = 3;
    static final int REP_ERR_UNSUP = 0x80000001;
    static final int REP_ERR_POLICY = 0x80000002;
    static final int REP_ERR_INVALID = 0x80000003;
    static final int REP_ERR_UNKNOWN = 0x80000006;

    static final int INFO_EXPORT = 0;
    static final int INFO_NAME = 1;
    static final int INFO_BLOCK_SIZE = 3;

    /** EXPORT_NAME's legacy padding after size and flags, unless NO_ZEROES was agreed. */
    static final int EXPORT_NAME_PADDING = 124;

    /**
     * Largest option payload we accept. Real options are a name (≤ 4096 bytes by the spec) plus
     * a few words; anything bigger is a broken or hostile client, and we drop it rather than
     * buffer it.
     */
    static final int MAX_OPTION_LENGTH = 64 << 10;

    /** Longest export name the spec allows (bytes of UTF-8). */
    static final int MAX_NAME_LENGTH = 4096;

    // --- Transmission flags (u16, sent with the export) ---------------------------------------
    static final int TF_HAS_FLAGS = 1;
    static final int TF_READ_ONLY = 1 << 1;
    static final int TF_SEND_FLUSH = 1 << 2;
    static final int TF_SEND_FUA = 1 << 3;
    static final int TF_SEND_TRIM = 1 << 5;
    static final int TF_SEND_WRITE_ZEROES = 1 << 6;
    static final int TF_CAN_MULTI_CONN = 1 << 8;

    // --- Transmission phase --------------------------------------------------------------------
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    static final int REQUEST_HEADER_SIZE = 28;
    static final int SIMPLE_REPLY_SIZE = 16;

    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_TRIM = 4;
    static final int CMD_WRITE_ZEROES = 6;

    static final int CMD_FLAG_FUA = 1;
    static final int CMD_FLAG_NO_HOLE = 1 << 1;

    /** Largest READ/WRITE payload; advertised as the maximum in INFO_BLOCK_SIZE. */
    static final int MAX_PAYLOAD = 32 << 20;

    /** Preferred block size we advertise (never below the target's own block size). */
    static final int PREFERRED_BLOCK_SIZE = 4096;

    // NBD error values: the protocol defines its own numbers (they happen to match Linux).
    static final int NBD_EPERM = 1;
    static final int NBD_EIO = 5;
    static final int NBD_ENOMEM = 12;
    static final int NBD_EINVAL = 22;
    static final int NBD_ENOSPC = 28;
    static final int NBD_EOVERFLOW = 75;
    static final int NBD_ENOTSUP = 95;
    static final int NBD_ESHUTDOWN = 108;

    /**
     * Maps a {@code BlockTarget} result (0 or -errno) to the NBD error field. The spec lists a
     * handful of values clients understand; anything else becomes EIO, the generic failure.
     */
    static int toNbdError(int result) {
        if (result >= 0) {
            return 0;
        }
        switch (-result) {
            case Errno.EPERM: return NBD_EPERM;
            case Errno.EIO: return NBD_EIO;
            case Errno.ENOMEM: return NBD_ENOMEM;
            case Errno.EINVAL: return NBD_EINVAL;
            case Errno.ENOSPC: return NBD_ENOSPC;
            case Errno.EOVERFLOW: return NBD_EOVERFLOW;
            case Errno.EOPNOTSUPP: return NBD_ENOTSUP;
            case Errno.ESHUTDOWN: return NBD_ESHUTDOWN;
            default: return NBD_EIO;
        }
    }
}
