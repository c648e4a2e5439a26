package io.uraid.daemon.nbd;

import io.uraid.io.NativeBuffer;
import io.uraid.io.nbd.NbdSockets;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * An NBD server: listens on one or more endpoints, serves every export in its registry to any
 * number of connections. A connection that breaks the protocol is dropped alone; the others
 * keep being served.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NbdServer.class.getName());
    /** Default native memory for payload buffers shared by all connections. */
    public static final long DEFAULT_BUFFER_BUDGET = 256L << 20;

    private final ExportRegistry exports = new ExportRegistry();
    private final BufferPool pool;
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Each connection costs two threads; beyond this many, new clients are refused. */
    private final int maxConnections;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_NEGOTIATION_MILLIS = 30_000;
    private final long negotiationMillis;
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nbd-negotiation-watchdog");
                t.setDaemon(true);
                return t;
            });
    private volatile NativeBuffer zeroes;
    private volatile ServerTls tls = ServerTls.OFF;
    private volatile boolean closed;

    public NbdServer() {
        this(DEFAULT_BUFFER_BUDGET);
    }

    public NbdServer(long bufferBudget) {
        this(bufferBudget, DEFAULT_MAX_CONNECTIONS);
    }

    public NbdServer(long bufferBudget, int maxConnections) {
        this(bufferBudget, maxConnections, DEFAULT_NEGOTIATION_MILLIS);
    }

    /**
     * @param negotiationMillis a client that has not chosen an export this long after connecting
     *                          is dropped (it holds a thread and a connection slot)
     */
    public NbdServer(long bufferBudget, int maxConnections, long negotiationMillis) {
        this.pool = new BufferPool(bufferBudget);
        this.maxConnections = maxConnections;
        this.negotiationMillis = negotiationMillis;
    }

    /**
     * Starts accepting on {@code endpoint} (a daemon thread per endpoint).
     *
     * @return the endpoint as bound (a TCP port 0 replaced by the port the system chose)
     */
    public synchronized Endpoint listen(Endpoint requested) throws IOException {
        ServerSocketChannel ssc = requested.bind();
        Endpoint endpoint = requested.isUnix() ? requested
                : new Endpoint(null, (java.net.InetSocketAddress) ssc.getLocalAddress());
        listeners.add(ssc);
        endpoints.add(endpoint);
        Thread t = new Thread(() -> acceptLoop(ssc, endpoint), "nbd-accept-" + endpoint);
        t.setDaemon(true);
        t.start();
        LOG.info("NBD: listening on " + endpoint);
        return endpoint;
    }

    /** The endpoints listened on, in the order they were added. */
    public synchronized List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Sets the TLS policy of connections accepted from now on (before {@link #listen}, normally). */
    public void tls(ServerTls policy) {
        this.tls = policy;
        if (policy.offered()) {
            LOG.info("NBD: TLS " + policy.mode().name().toLowerCase(java.util.Locale.ROOT) + " on TCP listeners"
                    + (policy.required() ? " (unix sockets: offered, not required)" : ""));
        }
    }

    public void addExport(NbdExport export) {
        exports.add(export);
        // Payload buffers all come from the pool's one region: the target registers it with its
        // engine (io_uring fixed buffers), so member legs on them need no page pinning.
        boolean fixed = export.target().registerMemory(pool.region());
        LOG.info("NBD: exporting " + export + (fixed ? ", payload buffers registered" : ""));
    }

    /**
     * Withdraws an export: new clients no longer see it; its connections stop reading, answer
     * what is in flight and close. Waits up to {@code timeoutMillis} for them.
     */
    public void removeExport(String name, long timeoutMillis) {
        NbdExport e = exports.remove(name);
        if (e != null) {
            disconnect(e, timeoutMillis);
        }
    }

    /** Closes the connections to a withdrawn export after they answer what they have in flight. */
    private void disconnect(NbdExport e, long timeoutMillis) {
        List<NbdConnection> mine = new ArrayList<>();
        for (NbdConnection c : connections) {
            if (c.export() == e) {
                mine.add(c);
                c.shutdown();
            }
        }
        awaitGone(mine, timeoutMillis);
        LOG.info("NBD: export '" + e.name() + "' withdrawn" + (mine.isEmpty() ? "" : ", " + mine.size()
                + " client(s) disconnected"));
    }

    /**
     * Withdraws an export unless clients are connected to it, as {@code mdadm --stop} refuses a
     * busy array: with clients connected and {@code force} false the export stays and the number
     * of clients is returned. Otherwise it is withdrawn as {@link #removeExport} does (in-flight
     * requests answered, then the connections closed) and 0 is returned.
     */
    public int withdrawExport(String name, boolean force, long timeoutMillis) {
        NbdExport e;
        synchronized (this) {
            e = exports.remove(name);
            if (e == null) {
                return 0;
            }
            int clients = 0;
            for (NbdConnection c : connections) {
                clients += c.export() == e ? 1 : 0;
            }
            if (clients > 0 && !force) {
                exports.add(e); // a client negotiating in this instant was told "unknown export"; it may retry
                return clients;
            }
        }
        disconnect(e, timeoutMillis);
        return 0;
    }

    ExportRegistry exports() {
        return exports;
    }

    public List<NbdExport> allExports() {
        return exports.all();
    }

    public int connectionCount() {
        return connections.size();
    }

    public long acceptedCount() {
        return accepted.get();
    }

    /** The connections currently open to {@code name}. */
    public int connectionCount(String name) {
        int n = 0;
        for (NbdConnection c : connections) {
            NbdExport e = c.export();
            n += e != null && e.name().equals(name) ? 1 : 0;
        }
        return n;
    }

    /** A shared zero-filled buffer of at least {@code bytes}, never written (WRITE_ZEROES source). */
    long zeroes(int bytes) {
        NativeBuffer z = zeroes;
        if (z == null) {
            synchronized (this) {
                if (zeroes == null) {
                    zeroes = NativeBuffer.allocate(bytes);
                }
                z = zeroes;
            }
        }
        return z.address();
    }

    void closed(NbdConnection c) {
        connections.remove(c);
        synchronized (connections) {
            connections.notifyAll();
        }
    }

    private void acceptLoop(ServerSocketChannel ssc, Endpoint endpoint) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = ssc.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // e.g. EMFILE under a connection storm: refuse this one, keep serving
                LOG.warning("NBD: accept on " + endpoint + " failed: " + e.getMessage());
                sleepBriefly();
                continue;
            }
            accepted.incrementAndGet();
            if (connections.size() >= maxConnections) {
                refuse(ch, endpoint);
                continue;
            }
            try {
                NbdSockets.tune(ch, !endpoint.isUnix());
                NbdConnection c = new NbdConnection(ids.incrementAndGet(), ch, this, pool, tls.forEndpoint(endpoint));
                connections.add(c);
                if (closed) {
                    connections.remove(c);
                    ch.close();
                    return;
                }
                c.start();
                watchdog.schedule(c::dropIfNegotiating, negotiationMillis,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                LOG.warning("NBD: could not start a connection: " + e);
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing; the client sees a closed socket
                }
            }
        }
    }

    private void refuse(SocketChannel ch, Endpoint endpoint) {
        long n = refused.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th...: a storm does not flood the log
            LOG.warning("NBD: " + maxConnections + " connections open; refusing new ones on " + endpoint
                    + " (" + n + " refused so far)");
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // refused anyway
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitGone(List<NbdConnection> which, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (connections) {
            while (which.stream().anyMatch(connections::contains)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    LOG.warning("NBD: " + which.stream().filter(connections::contains).count()
                            + " connection(s) still busy after " + timeoutMillis + " ms");
                    return;
                }
                try {
                    connections.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops accepting, lets every connection answer what it has in flight (bounded wait), frees buffers. */
    public void close(long timeoutMillis) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < listeners.size(); i++) {
                try {
                    listeners.get(i).close();
                    if (endpoints.get(i).isUnix()) {
                        Files.deleteIfExists(endpoints.get(i).unixPath());
                    }
                } catch (IOException e) {
                    LOG.warning("NBD: closing " + endpoints.get(i) + ": " + e.getMessage());
                }
            }
        }
        List<NbdConnection> all = new ArrayList<>(connections);
        for (NbdConnection c : all) {
            c.shutdown();
        }
        awaitGone(all, timeoutMillis);
        watchdog.shutdownNow();
        pool.close();
        LOG.info("NBD: server stopped");
    }

    @Override
    public void close() {
        close(10_000);
    }
}
