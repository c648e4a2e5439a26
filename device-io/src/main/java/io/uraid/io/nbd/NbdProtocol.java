package io.uraid.io.nbd;

import io.uraid.io.Errno;

/**
 * Wire constants of the NBD protocol (NetworkBlockDevice/nbd {@code doc/proto.md}), shared by
 * uraid's server (the daemon's exports) and its client (remote members). Every integer on the
 * wire is big-endian. Only what uraid speaks is listed.
 */
public final class NbdProtocol {
    private NbdProtocol() {
    }

    // --- Handshake ---------------------------------------------------------------------------
    public static final long NBDMAGIC = 0x4e42444d41474943L;          // "NBDMAGIC"
    public static final long IHAVEOPT = 0x49484156454F5054L;          // "IHAVEOPT"
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    /** Server handshake flags. */
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;

    /** Client flags; any other bit set means the client wants something we don't know: drop. */
    public static final int CLIENT_FIXED_NEWSTYLE = 1;
    public static final int CLIENT_NO_ZEROES = 1 << 1;
    public static final int CLIENT_KNOWN_FLAGS = CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES;

    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;

    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_ERR_UNSUP = 0x80000001;
    public static final int REP_ERR_POLICY = 0x80000002;
    public static final int REP_ERR_INVALID = 0x80000003;
    public static final int REP_ERR_PLATFORM = 0x80000004;
    public static final int REP_ERR_TLS_REQD = 0x80000005;
    public static final int REP_ERR_UNKNOWN = 0x80000006;
    public static final int REP_ERR_SHUTDOWN = 0x80000007;
    public static final int REP_ERR_BLOCK_SIZE_REQD = 0x80000008;

    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_BLOCK_SIZE = 3;

    /** EXPORT_NAME's legacy padding after size and flags, unless NO_ZEROES was agreed. */
    public static final int EXPORT_NAME_PADDING = 124;

    /**
     * Largest option payload we accept. Real options are a name (≤ 4096 bytes by the spec) plus
     * a few words; anything bigger is a broken or hostile peer, and we drop it rather than
     * buffer it.
     */
    public static final int MAX_OPTION_LENGTH = 64 << 10;

    /** Longest export name the spec allows (bytes of UTF-8). */
    public static final int MAX_NAME_LENGTH = 4096;

    // --- Transmission flags (u16, sent with the export) ---------------------------------------
    public static final int TF_HAS_FLAGS = 1;
    public static final int TF_READ_ONLY = 1 << 1;
    public static final int TF_SEND_FLUSH = 1 << 2;
    public static final int TF_SEND_FUA = 1 << 3;
    public static final int TF_ROTATIONAL = 1 << 4;
    public static final int TF_SEND_TRIM = 1 << 5;
    public static final int TF_SEND_WRITE_ZEROES = 1 << 6;
    public static final int TF_SEND_DF = 1 << 7;
    public static final int TF_CAN_MULTI_CONN = 1 << 8;

    // --- Transmission phase --------------------------------------------------------------------
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;
    public static final int REQUEST_HEADER_SIZE = 28;
    public static final int SIMPLE_REPLY_SIZE = 16;
    /** A structured reply chunk's header: magic, flags, type, cookie, length. */
    public static final int CHUNK_HEADER_SIZE = 20;

    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_WRITE_ZEROES = 6;

    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;

    /** Structured reply chunk flag: the last chunk of its request. */
    public static final int CHUNK_FLAG_DONE = 1;
    public static final int CHUNK_NONE = 0;
    public static final int CHUNK_OFFSET_DATA = 1;
    public static final int CHUNK_OFFSET_HOLE = 2;
    public static final int CHUNK_BLOCK_STATUS = 5;
    /** Chunk types with this bit are errors (a client must treat unknown ones as such). */
    public static final int CHUNK_ERROR_BIT = 1 << 15;
    public static final int CHUNK_ERROR = CHUNK_ERROR_BIT + 1;
    public static final int CHUNK_ERROR_OFFSET = CHUNK_ERROR_BIT + 2;

    /** Largest READ/WRITE payload; advertised as the maximum in INFO_BLOCK_SIZE. */
    public static final int MAX_PAYLOAD = 32 << 20;

    /** Preferred block size we advertise (never below the target's own block size). */
    public static final int PREFERRED_BLOCK_SIZE = 4096;

    // NBD error values: the protocol defines its own numbers (they happen to match Linux).
    public static final int NBD_EPERM = 1;
    public static final int NBD_EIO = 5;
    public static final int NBD_ENOMEM = 12;
    public static final int NBD_EINVAL = 22;
    public static final int NBD_ENOSPC = 28;
    public static final int NBD_EOVERFLOW = 75;
    public static final int NBD_ENOTSUP = 95;
    public static final int NBD_ESHUTDOWN = 108;

    /**
     * Maps a result (0 or -errno) to the NBD error field. The spec lists a handful of values
     * clients understand; anything else becomes EIO, the generic failure.
     */
    public static int toNbdError(int result) {
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

    /** The -errno of an NBD error field (0 for success); values the spec does not list become -EIO. */
    public static int fromNbdError(int error) {
        switch (error) {
            case 0: return 0;
            case NBD_EPERM: return -Errno.EPERM;
            case NBD_ENOMEM: return -Errno.ENOMEM;
            case NBD_EINVAL: return -Errno.EINVAL;
            case NBD_ENOSPC: return -Errno.ENOSPC;
            case NBD_EOVERFLOW: return -Errno.EOVERFLOW;
            case NBD_ENOTSUP: return -Errno.EOPNOTSUPP;
            case NBD_ESHUTDOWN: return -Errno.ESHUTDOWN;
            default: return -Errno.EIO;
        }
    }

    /** "ERR_TLS_REQD"-style name of an option reply error, for messages. */
    public static String replyErrorName(int type) {
        switch (type) {
            case REP_ERR_UNSUP: return "unsupported";
            case REP_ERR_POLICY: return "refused by policy";
            case REP_ERR_INVALID: return "invalid";
            case REP_ERR_PLATFORM: return "not supported on the server's platform";
            case REP_ERR_TLS_REQD: return "TLS required";
            case REP_ERR_UNKNOWN: return "unknown export";
            case REP_ERR_SHUTDOWN: return "server shutting down";
            case REP_ERR_BLOCK_SIZE_REQD: return "block size required";
            default: return "error 0x" + Integer.toHexString(type);
        }
    }
}
