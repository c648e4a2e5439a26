package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.Errno;

/**
 * What an export accepts, per the NBD spec: the answer a request gets before anything is done
 * with it. Pure, so it is tested on its own; the connection only acts on the result.
 */
final class RequestRules {
    /** Flags a WRITE may carry. */
    static final int WRITE_FLAGS = CMD_FLAG_FUA;
    /** Flags a WRITE_ZEROES may carry. */
    static final int ZEROES_FLAGS = CMD_FLAG_FUA | CMD_FLAG_NO_HOLE;

    private RequestRules() {
    }

    /**
     * @return 0 when the request may go to the target; otherwise {@code -EINVAL} for an unknown
     *         command, a flag the command does not take, a payload over {@link NbdProtocol#MAX_PAYLOAD}
     *         or a range off the block size; {@code -EPERM} for a change to a read-only export; and
     *         for a range past the end {@code -ENOSPC} when the command would write, {@code -EINVAL}
     *         when it would not (READ, TRIM)
     */
    static int check(int type, int flags, long offset, long length, boolean readOnly, long size, int blockSize) {
        switch (type) {
            case CMD_READ:
                return (flags & ~CMD_FLAG_FUA) != 0 || length > MAX_PAYLOAD ? -Errno.EINVAL
                        : range(offset, length, false, size, blockSize);
            case CMD_WRITE:
                return (flags & ~WRITE_FLAGS) != 0 || length > MAX_PAYLOAD ? -Errno.EINVAL
                        : readOnly ? -Errno.EPERM : range(offset, length, true, size, blockSize);
            case CMD_FLUSH:
                return flags != 0 ? -Errno.EINVAL : 0;
            case CMD_TRIM:
                return (flags & ~CMD_FLAG_FUA) != 0 ? -Errno.EINVAL
                        : readOnly ? -Errno.EPERM : range(offset, length, false, size, blockSize);
            case CMD_WRITE_ZEROES:
                return (flags & ~ZEROES_FLAGS) != 0 ? -Errno.EINVAL
                        : readOnly ? -Errno.EPERM : range(offset, length, true, size, blockSize);
            default:
                return -Errno.EINVAL;
        }
    }

    /**
     * 0, or the spec's error for a range outside the export or not on its block size. Not
     * {@code BlockTarget.rangeError}: NBD offsets are unsigned 64-bit, so an offset that is
     * negative as a Java long is past the end (ENOSPC for a write), and the range is judged
     * before the alignment, as the spec lists them.
     */
    private static int range(long offset, long length, boolean write, long size, int blockSize) {
        if (Long.compareUnsigned(offset, size) > 0 || length > size - offset) {
            return write ? -Errno.ENOSPC : -Errno.EINVAL;
        }
        if ((offset & (blockSize - 1)) != 0 || (length & (blockSize - 1)) != 0) {
            return -Errno.EINVAL;
        }
        return 0;
    }
}
