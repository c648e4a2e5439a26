package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.MAX_NAME_LENGTH;
import static io.uraid.io.nbd.NbdProtocol.PREFERRED_BLOCK_SIZE;
import static io.uraid.io.nbd.NbdProtocol.TF_CAN_MULTI_CONN;
import static io.uraid.io.nbd.NbdProtocol.TF_HAS_FLAGS;
import static io.uraid.io.nbd.NbdProtocol.TF_READ_ONLY;
import static io.uraid.io.nbd.NbdProtocol.TF_SEND_FLUSH;
import static io.uraid.io.nbd.NbdProtocol.TF_SEND_FUA;
import static io.uraid.io.nbd.NbdProtocol.TF_SEND_TRIM;
import static io.uraid.io.nbd.NbdProtocol.TF_SEND_WRITE_ZEROES;

import io.uraid.core.api.BlockTarget;
import io.uraid.daemon.cache.ReadCache;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One named export: the {@link BlockTarget} behind it and whether clients may write. Every
 * connection to the same export shares the one target, which is why the server can advertise
 * CAN_MULTI_CONN: a FLUSH acknowledged on any connection covers writes acknowledged on all.
 */
public final class NbdExport {
    private final String name;
    private final byte[] nameBytes;
    private final BlockTarget target;
    /** Switched at run time by readonly/readwrite: new connections see the flag, every request checks it. */
    private volatile boolean readOnly;
    private final ReadCache cache;

    /**
     * Learnt at run time: the target answered a discard with -EOPNOTSUPP, so WRITE_ZEROES goes
     * straight to writing zero buffers instead of trying (and failing) a discard every time.
     */
    volatile boolean discardUnsupported;

    /**
     * @param name     export name clients ask for (UTF-8, at most 4096 bytes; "" is allowed and
     *                 is what clients send when the URI names no export)
     * @param target   the device served; its block size must be a power of two ≤ 64 KiB
     * @param readOnly refuse WRITE/TRIM/WRITE_ZEROES with EPERM and advertise READ_ONLY
     */
    public NbdExport(String name, BlockTarget target, boolean readOnly) {
        this(name, target, readOnly, null);
    }

    /**
     * @param cache read cache every connection to this export consults and keeps coherent, or
     *              null for none; the export does not close it
     */
    public NbdExport(String name, BlockTarget target, boolean readOnly, ReadCache cache) {
        this.cache = cache;
        this.name = Objects.requireNonNull(name, "name");
        this.target = Objects.requireNonNull(target, "target");
        this.readOnly = readOnly;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > MAX_NAME_LENGTH || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("export name must be ≤ 4096 UTF-8 bytes without NUL");
        }
        int bs = target.blockSize();
        // The spec requires the minimum block size to be a power of two no larger than 64 KiB.
        if (bs <= 0 || Integer.bitCount(bs) != 1 || bs > (64 << 10)) {
            throw new IllegalArgumentException("target block size must be a power of two ≤ 64 KiB: " + bs);
        }
    }

    public String name() {
        return name;
    }

    public BlockTarget target() {
        return target;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Makes the export read-only (NBD_FLAG_READ_ONLY for new connections, EPERM for every write
     * from now on, on connections old and new) or writable again.
     */
    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** The export's read cache, or null. */
    public ReadCache cache() {
        return cache;
    }

    byte[] nameBytes() {
        return nameBytes;
    }

    /** Minimum block size advertised: the target's own. */
    int minimumBlockSize() {
        return target.blockSize();
    }

    int preferredBlockSize() {
        return Math.max(target.blockSize(), PREFERRED_BLOCK_SIZE);
    }

    /**
     * The u16 transmission flags. A read-only export does not advertise TRIM or WRITE_ZEROES
     * (clients would only get EPERM); FLUSH and FUA stay because they are harmless and some
     * clients set FUA on every command.
     */
    int transmissionFlags() {
        int flags = TF_HAS_FLAGS | TF_SEND_FLUSH | TF_SEND_FUA | TF_CAN_MULTI_CONN;
        if (readOnly) {
            flags |= TF_READ_ONLY;
        } else {
            flags |= TF_SEND_TRIM | TF_SEND_WRITE_ZEROES;
        }
        return flags;
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + target.size() + " bytes" + (readOnly ? ", read-only)" : ")");
    }
}
