package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

/**
 * What a client learned about an export in negotiation.
 *
 * @param name              the export's name
 * @param size              bytes
 * @param flags             transmission flags (NbdProtocol.TF_*)
 * @param minimumBlock      smallest unit of I/O the server takes (1 when it did not say)
 * @param preferredBlock    the server's preferred unit (4096 when it did not say)
 * @param maximumPayload    largest READ/WRITE payload (32 MiB when it did not say)
 * @param structuredReplies the server answers READs with structured replies
 */
public record ExportInfo(String name, long size, int flags, int minimumBlock, int preferredBlock, int maximumPayload,
                         boolean structuredReplies) {

    public boolean readOnly() {
        return (flags & TF_READ_ONLY) != 0;
    }

    public boolean canFlush() {
        return (flags & TF_SEND_FLUSH) != 0;
    }

    public boolean canFua() {
        return (flags & TF_SEND_FUA) != 0;
    }

    public boolean canWriteZeroes() {
        return (flags & TF_SEND_WRITE_ZEROES) != 0;
    }

    /** Flushes and FUA writes on one connection cover writes completed on every connection. */
    public boolean multiConn() {
        return (flags & TF_CAN_MULTI_CONN) != 0;
    }

    /** The same export seen by another connection: size and flags must agree. */
    public boolean sameExportAs(ExportInfo o) {
        return size == o.size && flags == o.flags && minimumBlock == o.minimumBlock;
    }
}
