package io.uraid.io.remote;

import static io.uraid.io.nbd.NbdProtocol.CMD_DISC;

import io.uraid.io.Errno;
import io.uraid.io.internal.IntQueue;
import io.uraid.io.nbd.ClientHandshake;
import io.uraid.io.nbd.ReplyReader;
import io.uraid.io.nbd.ReplySink;
import io.uraid.io.nbd.RequestWriter;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;

/**
 * One connection of an {@link NbdDevice}, in the transmission phase. Its sender thread takes
 * slots from a queue and writes their requests; its receiver thread reads replies and either
 * queues the slot's next part or completes it on the engine. The cookie of a request is its
 * slot; {@link NbdEngine#onWire} says which connection has a slot on the wire, and whoever
 * clears that mark (the receiver with the answer, or a failure sweeping the connection) owns
 * the slot, so each completes exactly once.
 *
 * <p>When the connection fails, every slot on it completes with {@code -EIO} (swept by the
 * receiver once it can no longer write into their buffers); the sender keeps running and fails
 * what is still queued or queued later, until the device retires it.
 */
final class NbdLink implements ReplySink {
    /** Queued after the last slot: send what is queued, hang up, end (not -1, which {@link IntQueue#poll} means empty). */
    private static final int RETIRE = -2;

    private final NbdEngine engine;
    private final NbdDevice device;
    private final ClientHandshake.Connected conn;
    final int id;
    private final IntQueue queue;
    private final RequestWriter writer;
    private final ReplyReader reader;
    private boolean failed;

    NbdLink(NbdEngine engine, NbdDevice device, ClientHandshake.Connected conn, int id) {
        this.engine = engine;
        this.device = device;
        this.conn = conn;
        this.id = id;
        this.queue = new IntQueue(engine.entries() + 1);
        this.writer = new RequestWriter((GatheringByteChannel) conn.channel());
        this.reader = new ReplyReader(conn.channel(), this, engine.entries());
        start(this::sendLoop, "nbd-send-" + id);
        start(this::receiveLoop, "nbd-recv-" + id);
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Queues {@code slot} for sending (issuer, or the receiver for a slot's next part). */
    void enqueue(int slot) {
        queue.put(slot);
    }

    /** The sender sends DISC (when healthy), closes the connection and ends, after what is queued. */
    void retire() {
        queue.put(RETIRE);
    }

    /**
     * Takes what is queued, all of it when several slots wait: their requests go out in one
     * gathering write (one system call for a burst of requests instead of one each).
     */
    private void sendLoop() {
        while (true) {
            int s = queue.take();
            try {
                for (; s != -1; s = queue.poll()) {
                    if (s == RETIRE) {
                        sendQueued();
                        disconnect();
                        return;
                    }
                    synchronized (this) {
                        if (failed) {
                            engine.completed(s, -Errno.EIO);
                            continue;
                        }
                        engine.sentNanos[s] = System.nanoTime();
                        engine.onWire.set(s, id); // before its bytes leave: the answer may come at once
                    }
                    device.queuePart(writer, s, engine.part[s]);
                }
                writer.flush();
            } catch (IOException e) {
                fail("connection lost while sending (" + describe(e) + ")");
            }
        }
    }

    private void sendQueued() {
        try {
            writer.flush();
        } catch (IOException e) {
            fail("connection lost while sending (" + describe(e) + ")");
        }
    }

    private void disconnect() {
        boolean polite;
        synchronized (this) {
            polite = !failed;
            failed = true;
        }
        if (polite) {
            try {
                writer.send(CMD_DISC, 0, 0, 0, 0);
            } catch (IOException e) {
                // the server went first
            }
        }
        closeConnection();
    }

    private void receiveLoop() {
        try {
            while (true) {
                reader.next();
            }
        } catch (IOException e) {
            fail(e instanceof EOFException ? "the server closed the connection"
                    : "connection lost (" + describe(e) + ")");
        } catch (RuntimeException e) {
            fail("reply handling failed: " + e);
        } finally {
            sweep();
        }
    }

    /**
     * Fails every slot still on this connection. Only the receiver does it, once it has left
     * its last read: until then the socket may still be copying a reply into a slot's buffer,
     * which must not be handed back to its owner before that stops.
     */
    private void sweep() {
        for (int s = 0; s < engine.entries(); s++) {
            if (engine.onWire.compareAndSet(s, id, 0)) {
                engine.completed(s, -Errno.EIO);
            }
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ClosedChannelException) {
            return "closed";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // --- ReplySink (receiver thread) -------------------------------------------------------

    @Override
    public int request(long cookie) {
        return cookie >= 0 && cookie < engine.entries() && engine.onWire.get((int) cookie) == id ? (int) cookie : -1;
    }

    @Override
    public long offset(int slot) {
        return device.partOffset(slot, engine.part[slot]);
    }

    @Override
    public int length(int slot) {
        return device.partLength(slot, engine.part[slot]);
    }

    @Override
    public long readAddress(int slot) {
        return device.partReadAddress(slot, engine.part[slot]);
    }

    @Override
    public void done(int slot, int result) {
        if (!engine.onWire.compareAndSet(slot, id, 0)) {
            return; // the connection failed meanwhile and its sweep completed the slot
        }
        if (result < 0) {
            engine.completed(slot, result);
            if (result == -Errno.ESHUTDOWN) {
                // The server is going away: it answers, accepts nothing new, and waits for its
                // clients to hang up (nbdkit does). Hang up, so it can go and come back.
                fail("the server is shutting down");
            }
            return;
        }
        int p = ++engine.part[slot];
        if (p < device.parts(slot)) {
            queue.put(slot);
        } else {
            engine.completed(slot, device.successResult(slot));
        }
    }

    // --- Failure ---------------------------------------------------------------------------

    /**
     * Tells the device, which fails itself and its other connections, then closes this
     * connection (its receiver then fails the slots on it): in that order, so whoever hears a
     * slot fail already sees the device failed. Any thread; the first cause counts.
     */
    void fail(String cause) {
        synchronized (this) {
            if (failed) {
                return; // failed already, or retired by a reconnection
            }
            failed = true;
        }
        device.linkFailed(this, cause);
        discardUnsent();
        closeConnection();
    }

    /**
     * A failed link's socket is reset when closed, not closed in order: writes still queued in
     * it (a cut link fills the send queue) must never reach the server once the link is back,
     * where they would land on top of what the re-add's resync wrote since.
     */
    private void discardUnsent() {
        try {
            java.nio.channels.SocketChannel socket = conn.socket();
            if (socket != null && socket.supportedOptions().contains(java.net.StandardSocketOptions.SO_LINGER)) {
                socket.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // closed already: nothing left to send
        }
    }

    /** The reply reader's chunk counters (diagnostics). */
    ReplyReader reader() {
        return reader;
    }

    /** Milliseconds the oldest request on this connection has waited for its answer, or -1. */
    long longestWait(long now) {
        long longest = -1;
        for (int s = 0; s < engine.entries(); s++) {
            longest = Math.max(longest, NbdWatchdog.waited(engine, s, id, now));
        }
        return longest;
    }

    private void closeConnection() {
        try {
            conn.close(); // also wakes the other thread out of its blocking call (TLS: shuts the socket down)
        } catch (IOException e) {
            // closed anyway
        }
    }
}
