package io.uraid.daemon;

import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdUuid;
import io.uraid.daemon.control.ControlServer;
import io.uraid.daemon.events.ArrayWatch;
import io.uraid.daemon.events.Events;
import io.uraid.daemon.events.MdEvent;
import io.uraid.daemon.events.Monitor;
import io.uraid.daemon.metrics.MetricsServer;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.daemon.cache.ReadCache;
import io.uraid.daemon.nbd.NbdExport;
import io.uraid.daemon.nbd.NbdServer;
import io.uraid.daemon.nbd.ServerTls;
import io.uraid.io.IoEngines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The storage-host daemon: assembles the configured arrays, exports each over NBD under its
 * name, takes management commands on a control socket and serves metrics. {@link #close()}
 * stops it cleanly: no new connections, in-flight requests answered, members flushed,
 * superblocks marked clean.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** How long shutdown waits for clients' in-flight requests. */
    private static final long DRAIN_MILLIS = 30_000;

    /**
     * @param config   mdadm.conf-style file of arrays to assemble at start, or null
     * @param control  control socket path
     * @param listen   NBD endpoints (at least one)
     * @param metrics  HTTP address for Prometheus metrics, or null
     * @param readCacheBytes memory for each export's read cache ({@link ReadCache}); 0 for none
     * @param program  run for every md event (mdadm's PROGRAM), or null: the config's PROGRAM line
     * @param tls      the NBD server's TLS policy ({@link ServerTls#OFF} for none)
     */
    public record Options(Path config, Path control, List<Endpoint> listen, InetSocketAddress metrics,
                          long readCacheBytes, Path program, ServerTls tls) {
        public static final Path DEFAULT_CONTROL = Path.of("/run/uraid/control.sock");
        public static final Path DEFAULT_NBD_SOCKET = Path.of("/run/uraid/nbd.sock");

        public Options {
            if (readCacheBytes != 0 && readCacheBytes < ReadCache.LINE_SIZE) {
                throw new IllegalArgumentException("read cache must be 0 (none) or at least "
                        + ReadCache.LINE_SIZE + " bytes: " + readCacheBytes);
            }
        }

        /** Options without a read cache. */
        public Options(Path config, Path control, List<Endpoint> listen, InetSocketAddress metrics) {
            this(config, control, listen, metrics, 0);
        }

        /** Options without an event program on the command line. */
        public Options(Path config, Path control, List<Endpoint> listen, InetSocketAddress metrics,
                       long readCacheBytes) {
            this(config, control, listen, metrics, readCacheBytes, null);
        }

        /** Options without TLS. */
        public Options(Path config, Path control, List<Endpoint> listen, InetSocketAddress metrics,
                       long readCacheBytes, Path program) {
            this(config, control, listen, metrics, readCacheBytes, program, ServerTls.OFF);
        }
    }

    private final Map<String, ManagedArray> arrays = new LinkedHashMap<>();
    /** The event watch of each running array (same keys as {@link #arrays}). */
    private final Map<String, ArrayWatch> watches = new LinkedHashMap<>();
    /** Config arrays that are not running, by name: where they are configured and why they did not start. */
    private final Map<String, String> notStarted = new LinkedHashMap<>();
    private final NbdServer nbd = new NbdServer();
    private final Operations operations = new Operations(this);
    private ControlServer control;
    private MetricsServer metrics;
    private RemoteReconnect reconnect;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;
    private final long readCacheBytes;
    private Events events;
    private Monitor monitor;
    private SdNotify systemd = SdNotify.none();
    private final Map<String, Integer> sparesWanted = new java.util.concurrent.ConcurrentHashMap<>();

    private Daemon(long readCacheBytes) {
        this.readCacheBytes = readCacheBytes;
    }

    /**
     * Starts a daemon. A config that cannot be parsed is fatal ({@link DaemonConfig.ConfigException},
     * naming file and line). Config arrays that cannot be assembled are logged, reported by
     * {@code status} and skipped (one bad disk must not keep the others offline); a socket that
     * cannot be bound is fatal.
     */
    public static Daemon start(Options o) throws IOException {
        return start(o, SdNotify.fromEnvironment(System.getenv()));
    }

    /** As {@link #start(Options)}, telling {@code systemd} (READY=1, STATUS=, WATCHDOG=1) how it goes. */
    static Daemon start(Options o, SdNotify systemd) throws IOException {
        DaemonConfig config = o.config() == null ? null : DaemonConfig.parse(o.config());
        Daemon d = new Daemon(o.readCacheBytes());
        d.systemd = systemd;
        try {
            d.events = new Events(o.program() != null ? o.program() : config == null ? null : config.program());
            if (config != null) {
                for (DaemonConfig.ArrayEntry a : config.arrays()) {
                    if (a.spares() >= 0) {
                        d.sparesWanted.put(a.name(), a.spares());
                    }
                    d.startConfigured(a, config, o);
                }
            }
            d.nbd.tls(o.tls());
            for (Endpoint e : o.listen()) {
                d.nbd.listen(e);
            }
            d.control = ControlServer.start(o.control(), d.operations);
            d.reconnect = new RemoteReconnect(d::arrays);
            if (o.metrics() != null) {
                d.metrics = MetricsServer.start(o.metrics(), d::metricsView);
            }
            d.monitor = new Monitor(d.events, d::watches, Monitor.DEFAULT_INTERVAL_MILLIS, systemd::watchdog);
            d.events.listen(e -> systemd.status(d.summary()));
            d.monitor.start();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        LOG.info("uraid daemon ready: " + d.arrays.size() + " array(s)"
                + (d.notStarted.isEmpty() ? "" : ", " + d.notStarted.size() + " config array(s) NOT started: "
                + String.join(", ", d.notStarted.keySet())) + ", control " + o.control()
                + (d.events.program() == null ? "" : ", event program " + d.events.program()));
        systemd.ready(d.summary());
        return d;
    }

    /** One line for systemd's STATUS=: how many arrays run, and which are degraded or syncing. */
    String summary() {
        StringBuilder b = new StringBuilder();
        List<ManagedArray> all = arrays();
        b.append(all.size()).append(all.size() == 1 ? " array" : " arrays");
        for (ManagedArray m : all) {
            var sync = m.open().redundancy().syncStatus();
            if (m.array().degraded() || sync.running()) {
                b.append(", ").append(m.name()).append(m.array().degraded() ? " degraded" : "")
                        .append(sync.running() ? String.format(java.util.Locale.ROOT, " %s %.0f%%",
                                sync.action().mdName(), sync.percent()) : "");
            }
        }
        return b.toString();
    }

    private synchronized List<ArrayWatch> watches() {
        return new ArrayList<>(watches.values());
    }

    /** md events: the log, the program, and {@code uraid monitor}. */
    public Events events() {
        return events;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The event monitor (null while starting). */
    Monitor monitor() {
        return monitor;
    }

    /**
     * Assembles a config array at boot, as {@code mdadm --assemble --scan --run} does: members
     * found by UUID (the devices= hint first, then the DEVICE lines), started degraded when the
     * freshest members present can serve it.
     */
    private void startConfigured(DaemonConfig.ArrayEntry a, DaemonConfig config, Options o) {
        String where = o.config() + ":" + a.line();
        try {
            List<Path> devices = a.uuid() == null ? a.devices()
                    : MemberScan.members(a.devices(), MdUuid.parse(a.uuid()), config.devicePatterns());
            if (devices.isEmpty()) {
                throw new IOException("no device carries array UUID " + a.uuid() + " (looked at "
                        + (a.devices().isEmpty() ? "" : "devices=" + a.devices() + " and ") + "DEVICE "
                        + String.join(" ", config.devicePatterns()) + ")");
            }
            assemble(a.name(), devices, true, false, a.uuid(), a.readCache() < 0 ? o.readCacheBytes() : a.readCache());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.severe("array " + a.name() + " (" + where + ") not started: " + why);
            synchronized (this) {
                notStarted.put(a.name(), where + ": " + why);
            }
        }
    }

    /**
     * Assembles {@code devices} and exports the array as {@code name}.
     *
     * @param uuid when not null, the members must carry this array UUID
     */
    public ManagedArray assemble(String name, List<Path> devices, boolean run, String uuid) throws IOException {
        return assemble(name, devices, run, false, uuid, readCacheBytes);
    }

    /** As {@link #assemble(String, List, boolean, String)}; {@code force}: start a dirty degraded raid4/5/6. */
    public ManagedArray assemble(String name, List<Path> devices, boolean run, boolean force, String uuid)
            throws IOException {
        return assemble(name, devices, run, force, uuid, readCacheBytes);
    }

    /** As {@link #assemble(String, List, boolean, String)}, with a read cache of {@code cacheBytes} (0: none). */
    synchronized ManagedArray assemble(String name, List<Path> devices, boolean run, boolean force, String uuid,
                                       long cacheBytes) throws IOException {
        if (closed) {
            throw new IOException("daemon is shutting down");
        }
        if (arrays.containsKey(name)) {
            throw new IOException("array " + name + " is already running");
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no member devices given for " + name);
        }
        // Watched from before its start: its events are reported from its first state on.
        ArrayWatch[] watch = new ArrayWatch[1];
        OpenArray open = Assembler.assemble(devices, AssembleOptions.DEFAULT.withRun(run).withForce(force).withUuid(uuid)
                        .withName(name)
                        .withRedundancy(syncSpeed(System.getProperty(SPEED_LIMIT_MAX)))
                        .withOptions(stripeCache(System.getProperty(STRIPE_CACHE_SIZE))),
                IoEngines.openBest(Assembler.ENGINE_ENTRIES),
                o -> watch[0] = ArrayWatch.attach(name, o, sparesWanted.getOrDefault(name, -1), events));
        try {
            ArrayTarget target = new ArrayTarget(open.array());
            NbdExport export = new NbdExport(name, target, false, cacheBytes > 0 ? cache(name, cacheBytes) : null);
            try {
                nbd.addExport(export);
            } catch (RuntimeException e) {
                closeCache(export);
                throw e;
            }
            ManagedArray m = new ManagedArray(name, open, export, target);
            arrays.put(name, m);
            watches.put(name, watch[0]);
            watch[0].arm(); // NewArray (DegradedArray, SparesMissing), then what happened since the start
            notStarted.remove(name);
            String degraded = AssemblyReport.degraded(open.array());
            if (degraded != null) {
                LOG.warning("array " + name + ": started " + degraded);
            }
            LOG.info("array " + name + ": " + open.array().level().name() + ", " + open.array().size() + " bytes, "
                    + open.array().workingCount() + "/" + open.array().members().length + " members"
                    + (open.array().degraded() ? " (DEGRADED)" : "")
                    + (cacheBytes > 0 ? ", read cache " + io.uraid.io.Sizes.format(cacheBytes) : ""));
            return m;
        } catch (IOException | RuntimeException e) {
            watch[0].close();
            open.close();
            throw e;
        }
    }

    /**
     * System property: md's stripe_cache_size for the raid4/5/6 arrays assembled from now on
     * (stripes whose partial writes wait within a dispatcher turn to be gathered; 0: none), e.g.
     * {@code URAID_JAVA_OPTS=-Duraid.stripe_cache_size=1024}; default 256, as md's.
     */
    public static final String STRIPE_CACHE_SIZE = "uraid.stripe_cache_size";

    static io.uraid.core.array.ArrayOptions stripeCache(String stripes) {
        io.uraid.core.array.ArrayOptions d = io.uraid.core.array.ArrayOptions.DEFAULT;
        if (stripes == null) {
            return d;
        }
        try {
            return d.withStripeCacheSize(Integer.parseInt(stripes.trim()));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException(STRIPE_CACHE_SIZE + " must be 0.."
                    + io.uraid.core.array.ArrayOptions.MAX_STRIPE_CACHE + " stripes, not '" + stripes + "'");
        }
    }

    /**
     * System property: md's speed_limit_max (KiB/s) for background sync of the arrays assembled
     * from now on, e.g. {@code URAID_JAVA_OPTS=-Duraid.speed_limit_max=50000}; the minimum follows
     * when it is lower than md's 1000 KiB/s.
     */
    public static final String SPEED_LIMIT_MAX = "uraid.speed_limit_max";

    static io.uraid.core.sync.RedundancyOptions syncSpeed(String maxKib) {
        io.uraid.core.sync.RedundancyOptions d = io.uraid.core.sync.RedundancyOptions.DEFAULT;
        if (maxKib == null) {
            return d;
        }
        long max;
        try {
            max = Long.parseLong(maxKib.trim()) * 1024;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SPEED_LIMIT_MAX + " must be KiB/s, not '" + maxKib + "'");
        }
        if (max <= 0) {
            throw new IllegalArgumentException(SPEED_LIMIT_MAX + " must be positive: " + maxKib);
        }
        return d.withSyncSpeed(Math.min(d.syncMinBytesPerSecond(), max), max);
    }

    /**
     * Stops an array: refused while NBD clients are connected to it (as {@code mdadm --stop}
     * refuses a busy array), unless {@code force}: then its clients are disconnected once their
     * in-flight requests are answered. The array is then stopped cleanly.
     */
    public synchronized void stop(String name, boolean force) throws IOException {
        ManagedArray m = arrays.get(name);
        if (m == null) {
            throw new IOException("no array named " + name + " is running");
        }
        int clients = nbd.withdrawExport(name, force, DRAIN_MILLIS);
        if (clients > 0) {
            throw new IOException("cannot stop " + name + ": " + clients + " NBD client(s) connected; disconnect "
                    + "them, or stop --force to disconnect them after answering what they have in flight");
        }
        arrays.remove(name);
        watches.remove(name).close(); // what the stop itself changes is not reported: the array is going
        closeCache(m.export());
        m.open().close();
        LOG.info("array " + name + " stopped (clean)");
        events.publish(new MdEvent("DeviceDisappeared", name, null));
    }

    /**
     * Changes the shape of a running array ({@code uraid grow}): see {@link Growth}. Its NBD
     * clients stay connected and see a pause.
     */
    public synchronized String grow(String name, io.uraid.core.assembly.GrowSpec spec) throws IOException {
        if (closed) {
            throw new IOException("daemon is shutting down");
        }
        ManagedArray m = get(name);
        // The new assembly is watched from its start, against what the old one last reported:
        // the grow's own changes (a spare taking the new slot) are events, the restart is not.
        ArrayWatch before = watches.get(name);
        ArrayWatch[] after = new ArrayWatch[1];
        Growth.Result r = Growth.grow(m, spec, syncSpeed(System.getProperty(SPEED_LIMIT_MAX)),
                stripeCache(System.getProperty(STRIPE_CACHE_SIZE)), new Growth.Watch() {
            @Override
            public void stopping() {
                before.close();
            }

            @Override
            public void assembled(OpenArray next) {
                after[0] = ArrayWatch.attachAfter(before, next, events);
            }
        });
        if (r.next() != null) {
            arrays.put(name, r.next());
            watches.put(name, after[0]);
            after[0].arm();
        } else {
            watches.remove(name);
            arrays.remove(name);
            notStarted.put(name, "stopped by grow: " + r.failure());
            nbd.withdrawExport(name, true, DRAIN_MILLIS);
            closeCache(m.export());
        }
        if (r.failure() != null) {
            throw new IOException(r.failure());
        }
        return r.summary();
    }

    /** A read cache, or a one-line error naming the way out when the JVM will not give the memory. */
    private static ReadCache cache(String name, long bytes) throws IOException {
        try {
            return new ReadCache(bytes);
        } catch (OutOfMemoryError e) {
            throw new IOException(name + ": cannot allocate a read cache of " + io.uraid.io.Sizes.format(bytes) + " ("
                    + e.getMessage() + "); give less (--read-cache, read-cache=) or more direct memory "
                    + "(URAID_JAVA_OPTS=-XX:MaxDirectMemorySize=...)");
        }
    }

    private static void closeCache(NbdExport export) {
        if (export.cache() != null) {
            export.cache().close();
        }
    }

    /** Config arrays that are not running, by name: "FILE:LINE: why". */
    public synchronized Map<String, String> notStarted() {
        return new LinkedHashMap<>(notStarted);
    }

    /** The arrays running now, in assembly order. */
    public synchronized List<ManagedArray> arrays() {
        return new ArrayList<>(arrays.values());
    }

    synchronized ManagedArray get(String name) throws IOException {
        ManagedArray m = arrays.get(name);
        if (m == null) {
            throw new IOException("no array named " + name + " is running");
        }
        return m;
    }

    private List<io.uraid.daemon.metrics.Prometheus.ArrayView> metricsView() {
        List<io.uraid.daemon.metrics.Prometheus.ArrayView> out = new ArrayList<>();
        for (ManagedArray m : arrays()) {
            var redundancy = m.open().redundancy();
            out.add(new io.uraid.daemon.metrics.Prometheus.ArrayView(m.name(), m.array(), redundancy.syncStatus(),
                    redundancy.spareCount(), nbd.connectionCount(m.name()), m.export().cache()));
        }
        return out;
    }

    /** The metrics server's port, or -1 without one. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    public NbdServer nbd() {
        return nbd;
    }

    /** The management commands the control socket offers. */
    public Operations operations() {
        return operations;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        List<ManagedArray> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(arrays.values());
            arrays.clear();
            watches.values().forEach(ArrayWatch::close);
            watches.clear();
        }
        LOG.info("uraid daemon stopping");
        systemd.stopping();
        if (monitor != null) {
            monitor.close();
        }
        if (reconnect != null) {
            reconnect.close();
        }
        if (control != null) {
            control.close();
        }
        nbd.close(DRAIN_MILLIS); // stop accepting, answer in-flight requests
        for (ManagedArray m : toStop) {
            closeCache(m.export());
            try {
                m.open().close(); // flush members, superblocks marked clean
                LOG.info("array " + m.name() + " stopped (clean)");
            } catch (RuntimeException e) {
                LOG.severe("array " + m.name() + ": stop failed: " + e);
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        if (events != null) {
            events.close();
        }
        systemd.close();
        LOG.info("uraid daemon stopped");
        stopped.countDown();
    }
}
