package io.uraid.cli.cmd;

import io.uraid.daemon.Daemon;
import io.uraid.daemon.LogSetup;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.daemon.nbd.ServerTls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uraid daemon}: run the storage-host daemon in the foreground until SIGTERM/SIGINT. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the storage-host daemon: arrays exported over NBD, managed through a control socket.",
            "Assembles the arrays listed in the config file, exports each over NBD under its name and takes "
                + "management commands (uraid assemble/stop/status/detail/fail/remove/add/check/repair/replace) on the control socket. "
                + "Logs one line per event on stderr (with journald priorities under systemd), tells systemd when it is "
                + "ready (Type=notify) and pings its watchdog. SIGTERM stops it cleanly: no new connections, in-flight "
                + "requests answered, members flushed, superblocks marked clean."})
public final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "mdadm.conf-style file: DEVICE partitions|GLOB..., ARRAY NAME UUID=... "
                + "[devices=/dev/a,/dev/b] [spares=N] [read-cache=SIZE], PROGRAM /path (uraid examine --scan and "
                + "detail --scan print such lines). Members are found by UUID; an error in it stops the daemon "
                + "(exit 2), naming file and line.")
    private Path config;

    @Option(names = "--control", paramLabel = "PATH",
            description = "Control socket (mode 0600; default: /run/uraid/control.sock).")
    private Path control = Daemon.Options.DEFAULT_CONTROL;

    @Option(names = "--listen", paramLabel = "unix:PATH|tcp:HOST:PORT",
            description = "Where NBD clients connect; repeatable (default: unix:/run/uraid/nbd.sock). "
                + "TCP only when asked; tcp:PORT binds 127.0.0.1.")
    private List<String> listen = new ArrayList<>();

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics at http://HOST:PORT/metrics.")
    private String metrics;

    @Option(names = "--read-cache", paramLabel = "SIZE",
            description = "Memory for each export's read cache, e.g. 256M (default: 0, none). Members are always "
                + "read with O_DIRECT; this cache plays the part the page cache above /dev/mdX plays for a "
                + "server reading the md device: repeated reads are answered from memory. Writes go around "
                + "it, so it never holds data that is not on the members.")
    private String readCache = "0";

    @Option(names = "--program", paramLabel = "PATH",
            description = "Run PATH for every md event, as mdadm --monitor --program does: PATH EVENT ARRAY "
                + "[COMPONENT] (Fail, FailSpare, DegradedArray, SpareActive, RebuildStarted, Rebuild20..80, "
                + "RebuildFinished, NewArray, DeviceDisappeared, SparesMissing, TestMessage). Overrides the "
                + "config's PROGRAM line.")
    private Path program;

    @Option(names = "--tls", paramLabel = "off|on|require",
            description = "STARTTLS on the TCP listeners, as nbdkit's --tls: off (default), on (offered), require "
                + "(a client that does not switch to TLS gets NBD_REP_ERR_TLS_REQD and nothing else). Unix sockets "
                + "offer TLS with certificates but never require it.")
    private String tls = "off";

    @Option(names = "--tls-certificates", paramLabel = "DIR",
            description = "X.509 credentials as nbdkit and qemu lay them out: server-cert.pem, server-key.pem "
                + "(unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC), and ca-cert.pem for --tls-verify-peer.")
    private Path tlsCertificates;

    @Option(names = "--tls-verify-peer", description = "Require a client certificate signed by ca-cert.pem.")
    private boolean tlsVerifyPeer;

    @Option(names = "--verbose", description = "Log connection-level events too.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String l : listen) {
            endpoints.add(Endpoint.parse(l));
        }
        if (endpoints.isEmpty()) {
            endpoints.add(Endpoint.unix(Daemon.Options.DEFAULT_NBD_SOCKET));
        }
        LogSetup.oneLineToStderr(verbose ? Level.FINE : Level.INFO);
        long cacheBytes;
        try {
            cacheBytes = io.uraid.io.Sizes.parse(readCache);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--read-cache: " + e.getMessage());
        }
        if (program != null && !java.nio.file.Files.isExecutable(program)) {
            throw new IllegalArgumentException("--program: " + program + " is not an executable file");
        }
        Daemon daemon;
        try {
            ServerTls.Mode mode = ServerTls.Mode.parse(tls);
            if (mode == ServerTls.Mode.OFF && (tlsVerifyPeer || tlsCertificates != null)) {
                throw new IllegalArgumentException("--tls-certificates and --tls-verify-peer need --tls=on or "
                        + "--tls=require");
            }
            ServerTls policy = ServerTls.load(mode, tlsCertificates, tlsVerifyPeer);
            daemon = Daemon.start(new Daemon.Options(config, control, endpoints, parseMetrics(metrics), cacheBytes,
                    program, policy));
        } catch (io.uraid.daemon.DaemonConfig.ConfigException e) {
            throw new io.uraid.cli.ExitCodes.CliException(io.uraid.cli.ExitCodes.USAGE, e.getMessage());
        }
        Thread hook = new Thread(daemon::close, "uraid-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        daemon.awaitStopped();
        return 0;
    }

    static InetSocketAddress parseMetrics(String spec) {
        if (spec == null) {
            return null;
        }
        int colon = spec.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : spec.substring(0, colon);
        try {
            int port = Integer.parseInt(spec.substring(colon + 1));
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad --metrics address '" + spec + "' (expected HOST:PORT)");
        }
    }
}
