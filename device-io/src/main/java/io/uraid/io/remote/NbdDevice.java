package io.uraid.io.remote;

import static io.uraid.io.internal.OpSlots.*;
import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.BlockDevice;
import io.uraid.io.ClaimDirectory;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.Errno;
import io.uraid.io.FileClaim;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.internal.OpSlots;
import io.uraid.io.nbd.ClientHandshake;
import io.uraid.io.nbd.ExportInfo;
import io.uraid.io.nbd.NbdUri;
import io.uraid.io.nbd.RequestWriter;
import io.uraid.io.tls.TlsCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A remote export opened by an {@link NbdEngine}: one connection, or up to the URI's
 * {@code connections} when the server advertises CAN_MULTI_CONN (then a flush on any of them
 * covers writes completed on all, as the array's flushes need). Operations go to the
 * connections in turn. Its logical block size is the server's minimum block size (at least
 * 512), its largest transfer the server's largest payload.
 *
 * <p>When a connection breaks or a request stays unanswered past the URI's timeout, the whole
 * device fails: every request in flight and every later one completes with {@code -EIO}, so
 * the array fails the member and carries on degraded. {@link #reconnect()} (a re-add) opens
 * fresh connections to the same export; the issuer takes them up with its next operation.
 *
 * <p>An exclusive open claims the export on this host ({@link FileClaim} on a lock file named
 * after its address in {@link ClaimDirectory}): a remote export cannot be locked on the server,
 * but two arrays of this host never share one. Other hosts are not excluded (as with md over a
 * kernel nbd device); the array UUID's claim keeps an array from running twice here.
 */
public final class NbdDevice implements BlockDevice {
    private static final Logger LOG = Logger.getLogger(NbdDevice.class.getName());
    /** WRITE_ZEROES parts (no payload, but a 32-bit length). */
    private static final long ZERO_CHUNK = 1L << 30;

    private final NbdEngine engine;
    private final NbdPath path;
    private final NbdUri uri;
    private final OpenOptions options;
    private final int handle;
    private final TlsCertificates tls;
    private final ExportInfo info;
    private final int block;
    private final int chunk;
    private final FileClaim claim;
    /** The connections the issuer sends on (replaced by the issuer after a reconnect). */
    private volatile NbdLink[] links;
    private int next;
    private final AtomicReference<NbdLink[]> replacement = new AtomicReference<>();
    private volatile boolean failed;
    private volatile boolean closed;

    private NbdDevice(NbdEngine engine, NbdPath path, OpenOptions options, int handle, TlsCertificates tls,
                      ExportInfo info, FileClaim claim) {
        this.engine = engine;
        this.path = path;
        this.uri = path.uri();
        this.options = options;
        this.handle = handle;
        this.tls = tls;
        this.info = info;
        this.claim = claim;
        this.block = Math.max(info.minimumBlock(), 512);
        this.chunk = Math.max(block, Math.min(info.maximumPayload(), MAX_PAYLOAD) / block * block);
    }

    static NbdDevice open(NbdEngine engine, NbdPath path, OpenOptions options, int handle) throws IOException {
        NbdUri uri = path.uri();
        TlsCertificates tls = ClientCredentials.of(uri);
        FileClaim claim = options.exclusive() ? claim(path) : null;
        try {
            List<ClientHandshake.Connected> conns = connect(uri, tls, null);
            ExportInfo info = conns.get(0).info();
            NbdDevice d = new NbdDevice(engine, path, options, handle, tls, info, claim);
            if (!options.readOnly() && info.readOnly()) {
                closeAll(conns);
                throw new IOException(path + ": cannot open for writing: the export is read-only");
            }
            d.links = d.linksFor(conns);
            LOG.info(uri.address() + ": " + conns.size() + " connection(s), " + info.size() + " bytes"
                    + (conns.get(0).tls() ? ", TLS" : "") + (info.structuredReplies() ? ", structured replies" : ""));
            return d;
        } catch (IOException | RuntimeException e) {
            if (claim != null) {
                claim.close();
            }
            throw e;
        }
    }

    /** Claims the export on this host, or refuses: another open of this host holds it. */
    private static FileClaim claim(NbdPath path) throws IOException {
        Path lock = ClaimDirectory.get().resolve("nbd-" + digest(path.uri().address()) + ".lock");
        FileClaim c = FileClaim.tryClaim(lock, false, true);
        if (c == null) {
            throw new DeviceBusyException(path, path + ": cannot open: the export is in use on this host (claimed by "
                    + "an array or a uraid command)");
        }
        return c;
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Connects: one connection, then more up to the URI's count when the server allows
     * multi-conn (each must see the same export; one that fails only means fewer).
     *
     * @param expect the export as first seen (a reconnect must find it unchanged), or null
     */
    private static List<ClientHandshake.Connected> connect(NbdUri uri, TlsCertificates tls, ExportInfo expect)
            throws IOException {
        List<ClientHandshake.Connected> out = new ArrayList<>();
        ClientHandshake.Connected first = ClientHandshake.connect(uri, tls, true);
        if (expect != null && !first.info().sameExportAs(expect)) {
            first.close();
            throw new IOException(uri.address() + ": the export changed (" + first.info().size() + " bytes, flags 0x"
                    + Integer.toHexString(first.info().flags()) + "; it was " + expect.size() + " bytes, flags 0x"
                    + Integer.toHexString(expect.flags()) + ")");
        }
        out.add(first);
        int wanted = first.info().multiConn() ? uri.connectionsWanted() : 1;
        while (out.size() < wanted) {
            try {
                ClientHandshake.Connected c = ClientHandshake.connect(uri, tls, true);
                if (!c.info().sameExportAs(first.info())) {
                    c.close();
                    break;
                }
                out.add(c);
            } catch (IOException e) {
                LOG.fine(() -> uri.address() + ": extra connection refused (" + e.getMessage() + "); using "
                        + out.size());
                break;
            }
        }
        return out;
    }

    private static void closeAll(List<ClientHandshake.Connected> conns) {
        for (ClientHandshake.Connected c : conns) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private NbdLink[] linksFor(List<ClientHandshake.Connected> conns) {
        NbdLink[] out = new NbdLink[conns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new NbdLink(engine, this, conns.get(i), engine.nextLinkId());
        }
        return out;
    }

    // --- Issuer side ------------------------------------------------------------------------

    /** Sends {@code slot} to a connection, or completes it at once (issuer thread). */
    void start(int slot) {
        NbdLink[] fresh = replacement.getAndSet(null);
        if (fresh != null) {
            adopt(fresh);
        }
        if (failed || closed) {
            engine.completeNow(slot, -Errno.EIO);
            return;
        }
        int refusal = plan(slot);
        if (refusal != Integer.MIN_VALUE) {
            engine.completeNow(slot, refusal);
            return;
        }
        engine.part[slot] = 0;
        NbdLink[] l = links;
        l[next++ % l.length].enqueue(slot);
    }

    /**
     * Sets the slot's span; returns the result to complete it with at once (an operation the
     * export cannot or need not do), or {@code Integer.MIN_VALUE} when it goes to the server.
     */
    private int plan(int slot) {
        OpSlots s = engine.ops();
        long off = s.offset[slot];
        long len = s.length[slot];
        long size = info.size();
        switch (s.op[slot]) {
            case OP_READ:
                if (off >= size) {
                    return 0; // at the end of the export: nothing to read
                }
                engine.span[slot] = Math.min(len, size - off);
                return Integer.MIN_VALUE;
            case OP_WRITE:
                if (options.readOnly()) {
                    return -Errno.EBADF;
                }
                engine.span[slot] = len;
                return off + len > size ? -Errno.ENOSPC : Integer.MIN_VALUE;
            case OP_FSYNC:
            case OP_FDATASYNC:
                engine.span[slot] = 0;
                return info.canFlush() ? Integer.MIN_VALUE : 0; // no write cache to flush
            default: // discard: WRITE_ZEROES, which reads back as zeroes (TRIM does not promise that)
                if (options.readOnly()) {
                    return -Errno.EBADF;
                }
                if (!info.canWriteZeroes()) {
                    return -Errno.EOPNOTSUPP;
                }
                if (off % block != 0 || len % block != 0 || off + len > size) {
                    return -Errno.EINVAL;
                }
                engine.span[slot] = len;
                return len == 0 ? 0 : Integer.MIN_VALUE;
        }
    }

    private void adopt(NbdLink[] fresh) {
        NbdLink[] old = links;
        links = fresh;
        failed = false;
        for (NbdLink l : old) {
            l.retire();
        }
        LOG.info(uri.address() + ": reconnected (" + fresh.length + " connection(s))");
    }

    // --- The parts of an operation (connection threads) ------------------------------------

    private long partSize(int slot) {
        return engine.ops().op[slot] == OP_DISCARD ? ZERO_CHUNK : chunk;
    }

    private int dataParts(int slot) {
        byte op = engine.ops().op[slot];
        if (op == OP_FSYNC || op == OP_FDATASYNC) {
            return 0;
        }
        return (int) ((engine.span[slot] + partSize(slot) - 1) / partSize(slot));
    }

    /** A FUA write to a server without FUA is made durable by a FLUSH after its reply. */
    private boolean flushAfter(int slot) {
        OpSlots s = engine.ops();
        return s.op[slot] == OP_WRITE && (s.flags[slot] & IoEngine.FUA) != 0 && !info.canFua() && info.canFlush();
    }

    /** How many requests the operation takes, one after another. */
    int parts(int slot) {
        byte op = engine.ops().op[slot];
        if (op == OP_FSYNC || op == OP_FDATASYNC) {
            return 1;
        }
        return dataParts(slot) + (flushAfter(slot) ? 1 : 0);
    }

    long partOffset(int slot, int p) {
        return p < dataParts(slot) ? engine.ops().offset[slot] + p * partSize(slot) : 0;
    }

    int partLength(int slot, int p) {
        return p < dataParts(slot) ? (int) Math.min(partSize(slot), engine.span[slot] - p * partSize(slot)) : 0;
    }

    /** Where part {@code p} of a READ lands, or 0 when the part reads nothing. */
    long partReadAddress(int slot, int p) {
        return engine.ops().op[slot] == OP_READ && p < dataParts(slot) ? engine.ops().address[slot]
                + p * partSize(slot) : 0;
    }

    /** Queues part {@code p} of {@code slot} on {@code w} (sent by its next flush); the cookie is the slot. */
    void queuePart(RequestWriter w, int slot, int p) throws IOException {
        OpSlots s = engine.ops();
        if (p >= dataParts(slot)) {
            w.queue(CMD_FLUSH, 0, slot, 0, 0);
            return;
        }
        long off = partOffset(slot, p);
        int len = partLength(slot, p);
        switch (s.op[slot]) {
            case OP_READ:
                w.queue(CMD_READ, 0, slot, off, len);
                break;
            case OP_WRITE:
                boolean last = p == dataParts(slot) - 1;
                int fl = last && (s.flags[slot] & IoEngine.FUA) != 0 && info.canFua() ? CMD_FLAG_FUA : 0;
                w.queueWrite(fl, slot, off, s.address[slot] + p * (long) chunk, len);
                break;
            default:
                w.queue(CMD_WRITE_ZEROES, 0, slot, off, len);
        }
    }

    /** What the operation completes with when every part succeeded. */
    int successResult(int slot) {
        return engine.ops().isTransfer(slot) ? (int) engine.span[slot] : 0;
    }

    // --- Failure, timeouts, reconnection ---------------------------------------------------

    /** A connection broke: the device fails (every connection is closed, every request fails). */
    void linkFailed(NbdLink link, String cause) {
        synchronized (this) {
            if (failed || closed || !contains(links, link)) {
                return;
            }
            failed = true;
        }
        LOG.warning(uri.address() + ": " + cause + "; the device fails (the array carries on without it) until "
                + "it is re-added");
        for (NbdLink l : links) {
            l.fail(cause);
        }
    }

    private static boolean contains(NbdLink[] links, NbdLink link) {
        for (NbdLink l : links) {
            if (l == link) {
                return true;
            }
        }
        return false;
    }

    void checkTimeouts(long now) {
        long limit = uri.timeoutMillis();
        for (NbdLink l : links) {
            long waited = l.longestWait(now);
            if (waited > limit) {
                l.fail("no answer from the server for " + waited / 1000 + " s (timeout=" + limit / 1000 + ")");
                return;
            }
        }
    }

    /** True after a connection failure, until the connections of a {@link #reconnect()} are taken up. */
    public boolean failed() {
        return failed;
    }

    /**
     * Opens fresh connections to the export (a re-add of the failed member): the export must be
     * the same size with the same flags. The issuer takes them up with its next operation on
     * this device, retiring the old ones; until then a failed device stays failed.
     */
    @Override
    public void reconnect() throws IOException {
        if (closed) {
            throw new IOException(path + ": closed");
        }
        NbdLink[] fresh = linksFor(connect(uri, tls, info));
        NbdLink[] stale = replacement.getAndSet(fresh);
        if (stale != null) {
            for (NbdLink l : stale) {
                l.retire();
            }
        }
    }

    // --- BlockDevice ------------------------------------------------------------------------

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return info.size();
    }

    @Override
    public int logicalBlockSize() {
        return block;
    }

    @Override
    public int physicalBlockSize() {
        return Math.max(block, info.preferredBlock());
    }

    @Override
    public int maxTransferBytes() {
        return chunk;
    }

    @Override
    public boolean isBlockDevice() {
        return true;
    }

    /** Nothing is cached on this side: every completed write has reached the server. */
    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public int handle() {
        return handle;
    }

    /** What negotiation learned about the export. */
    public ExportInfo info() {
        return info;
    }

    /** Structured reply chunks read on the current connections: data, holes, errors (diagnostics). */
    public long[] chunkCounts() {
        long[] c = new long[3];
        for (NbdLink l : links) {
            c[0] += l.reader().dataChunks();
            c[1] += l.reader().holeChunks();
            c[2] += l.reader().errorChunks();
        }
        return c;
    }

    /** How many connections the device runs on now. */
    public int connections() {
        return links.length;
    }

    /** Closes the connections (DISC when they are healthy) and releases the claim. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (NbdLink l : links) {
            l.retire();
        }
        NbdLink[] fresh = replacement.getAndSet(null);
        if (fresh != null) {
            for (NbdLink l : fresh) {
                l.retire();
            }
        }
        if (claim != null) {
            claim.close();
        }
        engine.deviceClosed(this);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
