package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.daemon.cache.ReadCache;
import io.uraid.io.Errno;
import io.uraid.io.nbd.BufferedInput;
import io.uraid.io.nbd.Wire;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection. Its reader thread negotiates, then parses requests and submits them
 * to the export's target; completions (on the target's thread) only queue the slot; a writer
 * thread sends the replies, in completion order, matched by cookie. Up to
 * {@link #MAX_IN_FLIGHT} requests are in flight; beyond that the reader stops reading.
 *
 * <p>WRITE payloads are read from the socket straight into the pooled native buffer the legs
 * write from; READs land in the pooled buffer the reply is sent from. Slots, buffers, header
 * buffers and the callback are all reused: the steady state allocates nothing.
 *
 * <p>After STARTTLS ({@link ServerTls}) requests and replies travel over TLS; the socket itself
 * is still what shutdown and close act on.
 *
 * <p>When the export has a {@link ReadCache}, a READ it can answer is copied from it on the reader
 * thread and queued for its reply at once; a READ that missed fills it, and every request that
 * changes data invalidates it, on the writer thread before the reply (the order ReadCache needs).
 */
final class NbdConnection implements IoCallback {
    private static final Logger LOG = Logger.getLogger(NbdConnection.class.getName());
    static final int MAX_IN_FLIGHT = 128;
    /** Most payload-buffer bytes one connection may hold (a fraction of the shared pool). */
    static final long MAX_BUFFERED_BYTES = 64L << 20;
    private static final int ZERO_CHUNK = 1 << 20;

    private final long id;
    private final SocketChannel ch;
    /** What requests are read from and replies written to: the socket, or TLS over it. */
    private volatile ByteChannel io;
    /** The transmission phase's read side of {@link #io}: buffered, so a system call takes many requests. */
    private ReadableByteChannel in;
    private final ServerTls tls;
    private final NbdServer server;
    private final BufferPool pool;
    private volatile NbdExport export;
    private BlockTarget target;
    private ReadCache cache;

    private final SlotTable slots = new SlotTable(MAX_IN_FLIGHT, MAX_BUFFERED_BYTES);

    private final ByteBuffer request = ByteBuffer.allocateDirect(REQUEST_HEADER_SIZE);
    private final ReplyBatch replies = new ReplyBatch(MAX_IN_FLIGHT);
    /** Slots the writer took from the completed queue in one go. */
    private final int[] taken = new int[MAX_IN_FLIGHT];
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 << 10);
    /** The slot whose payload is being read (released here if the client vanishes mid-write). */
    private Slot receiving;
    private boolean broken;

    NbdConnection(long id, SocketChannel ch, NbdServer server, BufferPool pool, ServerTls tls) {
        this.id = id;
        this.ch = ch;
        this.io = ch;
        this.tls = tls;
        this.server = server;
        this.pool = pool;
    }

    /** The export chosen in negotiation, or null before that. */
    NbdExport export() {
        return export;
    }

    void start() {
        Thread t = new Thread(this::readLoop, "nbd-conn-" + id);
        t.setDaemon(true);
        t.start();
    }

    /** Drops the connection if the client has not finished negotiating (watchdog; any thread). */
    void dropIfNegotiating() {
        if (export == null && ch.isOpen()) {
            LOG.info("nbd connection " + id + ": no export chosen in time; dropping it");
            closeQuietly();
        }
    }

    /** Stops reading new requests; those in flight finish and are answered, then the socket closes. */
    void shutdown() {
        try {
            ch.shutdownInput();
        } catch (IOException e) {
            closeQuietly();
        }
    }

    private void readLoop() {
        boolean writerStarted = false;
        try {
            Negotiation n = new Negotiation(ch, server.exports(), tls);
            NbdExport e = n.run();
            if (e == null) {
                return;
            }
            io = n.channel();
            in = new BufferedInput(io);
            export = e;
            target = e.target();
            cache = e.cache();
            Thread w = new Thread(this::writeLoop, "nbd-reply-" + id);
            w.setDaemon(true);
            w.start();
            writerStarted = true;
            transmission();
        } catch (NbdProtocolException e) {
            LOG.info("nbd connection " + id + ": " + e.getMessage() + "; dropping it");
            closeQuietly();
        } catch (EOFException e) {
            LOG.fine("nbd connection " + id + ": client went away");
        } catch (IOException e) {
            LOG.fine("nbd connection " + id + ": " + e.getMessage());
            closeQuietly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "nbd connection " + id + ": unexpected failure; dropping it", e);
            closeQuietly();
        } finally {
            if (receiving != null) {
                release(receiving); // a WRITE whose payload never fully arrived: nothing was submitted
                receiving = null;
            }
            slots.readerDone();
            if (!writerStarted) {
                closeQuietly();
                server.closed(this);
            }
        }
    }

    private void transmission() throws IOException, InterruptedException {
        while (true) {
            request.clear();
            Wire.readFully(in, request);
            request.flip();
            if (request.getInt() != REQUEST_MAGIC) {
                throw new NbdProtocolException("bad request magic");
            }
            int flags = Short.toUnsignedInt(request.getShort());
            int type = Short.toUnsignedInt(request.getShort());
            long cookie = request.getLong();
            long offset = request.getLong();
            long length = Integer.toUnsignedLong(request.getInt());
            if (type == CMD_DISC) {
                return; // requests in flight are still answered by the writer
            }
            Slot s = slots.acquire();
            s.cookie = cookie;
            s.type = type;
            s.flags = flags;
            s.offset = offset;
            s.length = length;
            submit(s);
        }
    }

    private void submit(Slot s) throws IOException, InterruptedException {
        NbdExport e = export;
        int err = RequestRules.check(s.type, s.flags, s.offset, s.length, e.readOnly(), target.size(),
                e.minimumBlockSize());
        if (s.type == CMD_WRITE && (err != 0 || s.length == 0)) {
            receiving = s;
            Wire.skip(in, s.length, scratch); // keep the stream in step, never buffer a refused payload
            receiving = null;
        }
        if (err != 0 || s.length == 0 && (s.type == CMD_READ || s.type == CMD_WRITE)) {
            finish(s, err);
            return;
        }
        switch (s.type) {
            case CMD_READ:
                s.buffer = acquireBuffer((int) s.length);
                if (cache != null) {
                    if (cache.read(s.offset, (int) s.length, s.buffer.address())) {
                        finish(s, 0);
                        return;
                    }
                    s.fillsCache = true;
                    s.cacheTicket = cache.ticket();
                }
                s.pending = 1;
                target.read(s.offset, (int) s.length, s.buffer.address(), this, s.index);
                return;
            case CMD_WRITE:
                receiving = s;
                s.buffer = acquireBuffer((int) s.length);
                Wire.readFully(in, s.buffer.window((int) s.length));
                receiving = null;
                invalidateCache(s);
                s.pending = 1;
                target.write(s.offset, (int) s.length, s.buffer.address(), fua(s), this, s.index);
                return;
            case CMD_FLUSH:
                s.pending = 1;
                target.flush(this, s.index);
                return;
            default: { // TRIM, WRITE_ZEROES (anything else was refused above)
                boolean zeroes = s.type == CMD_WRITE_ZEROES;
                invalidateCache(s);
                if (zeroes && ((s.flags & CMD_FLAG_NO_HOLE) != 0 || e.discardUnsupported)) {
                    writeZeroes(s);
                    return;
                }
                s.flushAfter = (s.flags & CMD_FLAG_FUA) != 0;
                s.discardForZeroes = zeroes;
                s.pending = 1;
                target.discard(s.offset, s.length, this, s.index);
            }
        }
    }

    private static int fua(Slot s) {
        return (s.flags & CMD_FLAG_FUA) != 0 ? BlockTarget.FUA : 0;
    }

    /** WRITE_ZEROES by writing a shared zero buffer; called on the reader or writer thread only. */
    private void writeZeroes(Slot s) {
        long chunks = (s.length + ZERO_CHUNK - 1) / ZERO_CHUNK;
        if (chunks == 0) {
            finish(s, 0);
            return;
        }
        synchronized (slots) {
            s.pending = (int) chunks;
        }
        long address = server.zeroes(ZERO_CHUNK);
        for (long at = s.offset, end = s.offset + s.length; at < end; at += ZERO_CHUNK) {
            target.write(at, (int) Math.min(ZERO_CHUNK, end - at), address, fua(s), this, s.index);
        }
    }

    /** Completion of a target call (any thread; quick). */
    @Override
    public void done(long tag, int result) {
        synchronized (slots) {
            Slot s = slots.get((int) tag);
            if (result < 0 && s.result == 0) {
                s.result = result;
            }
            if (--s.pending > 0) {
                return;
            }
            if (s.discardForZeroes && s.result == -Errno.EOPNOTSUPP) {
                s.result = 0;
                s.needsZeroWrites = true;
            }
            slots.complete(s);
        }
    }

    /** Completes a request that never reached the target (reader thread). */
    private void finish(Slot s, int result) {
        synchronized (slots) {
            s.result = result;
            slots.complete(s);
        }
    }

    /** A payload buffer from the shared pool, within this connection's share of it. */
    private BufferPool.Pooled acquireBuffer(int length) throws InterruptedException {
        long bytes = BufferPool.classBytes(length);
        slots.reserveBuffer(bytes);
        try {
            return pool.acquire(length);
        } catch (InterruptedException | RuntimeException e) {
            slots.unreserveBuffer(bytes);
            throw e;
        }
    }

    private void release(Slot s) {
        BufferPool.Pooled b = s.buffer;
        s.buffer = null;
        if (b != null) {
            pool.release(b);
        }
        slots.release(s, b == null ? 0 : b.memory.capacity());
    }

    private void writeLoop() {
        try {
            while (true) {
                int n = slots.takeCompleted(taken);
                if (n < 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    Slot s = slots.get(taken[i]);
                    if (!nextStage(s)) {
                        settleCache(s);
                        replies.add(s);
                    } else {
                        taken[i] = -1; // still in flight
                    }
                }
                sendBatch();
                for (int i = 0; i < n; i++) {
                    if (taken[i] >= 0) {
                        release(slots.get(taken[i]));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly();
            server.closed(this);
        }
    }

    private void invalidateCache(Slot s) {
        if (cache != null) {
            cache.invalidate(s.offset, s.length);
        }
    }

    /**
     * Before a reply (see {@link ReadCache} for why this order keeps it exact): a READ that
     * missed fills the cache, a request that changed data invalidates its range once more.
     */
    private void settleCache(Slot s) {
        if (cache == null) {
            return;
        }
        if (s.type == CMD_READ) {
            if (s.fillsCache && s.result == 0) {
                cache.fill(s.cacheTicket, s.offset, (int) s.length, s.buffer.address());
            }
        } else if (s.type == CMD_WRITE || s.type == CMD_TRIM || s.type == CMD_WRITE_ZEROES) {
            invalidateCache(s);
        }
    }

    /** Starts the next target call of a multi-stage request; false when it is ready to answer. */
    private boolean nextStage(Slot s) {
        if (s.result == 0 && s.needsZeroWrites) {
            s.needsZeroWrites = false;
            s.discardForZeroes = false;
            export.discardUnsupported = true;
            writeZeroes(s);
            return true;
        }
        if (s.result == 0 && s.flushAfter) {
            s.flushAfter = false;
            synchronized (slots) {
                s.pending = 1;
            }
            target.flush(this, s.index);
            return true;
        }
        return false;
    }

    private void sendBatch() {
        if (replies.isEmpty()) {
            return;
        }
        try {
            if (!broken) {
                replies.send((GatheringByteChannel) io);
            }
        } catch (IOException e) {
            // The client is gone: keep draining completions so buffers return to the pool.
            broken = true;
            closeQuietly();
        } finally {
            if (broken) {
                replies.discard();
            }
        }
    }

    private void closeQuietly() {
        try {
            io.close(); // TLS: close_notify, and the socket shut down (wakes the other thread)
            ch.close();
        } catch (IOException e) {
            // nothing left to do with a socket that will not close
        }
    }
}
