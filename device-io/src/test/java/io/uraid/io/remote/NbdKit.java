package io.uraid.io.remote;

import io.uraid.io.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An nbdkit server for a test, on a unix socket in the test's directory: started with the
 * plugin and filters given, ready once its pid file exists (nbdkit writes it after it
 * listens), killed by {@link #close()} (and by nbdkit's --exit-with-parent if the JVM dies).
 * Tests skip, saying why, where nbdkit is not installed.
 */
public final class NbdKit implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path log;

    private NbdKit(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    public static void assumeInstalled() {
        Assumptions.assumeTrue(TestPki.onPath("nbdkit"), "nbdkit is not installed (apt-get install nbdkit): skipped");
    }

    /**
     * Starts {@code nbdkit ARGS} (e.g. "--filter=delay", "memory", "64M") serving on
     * {@code dir/NAME.sock}.
     */
    public static NbdKit start(Path dir, String name, String... args) throws IOException {
        Path socket = dir.resolve(name + ".sock");
        Files.deleteIfExists(socket);
        return start(List.of(), dir, name, socket, List.of("-U", socket.toString()), args);
    }

    /**
     * Starts {@code PREFIX nbdkit LISTEN ARGS}: e.g. in a network namespace ({@code ip netns exec
     * NS}) listening on TCP ({@code -i ADDRESS -p PORT}).
     */
    public static NbdKit start(List<String> prefix, Path dir, String name, List<String> listen, String... args)
            throws IOException {
        return start(prefix, dir, name, null, listen, args);
    }

    private static NbdKit start(List<String> prefix, Path dir, String name, Path socket, List<String> listen,
                                String... args) throws IOException {
        assumeInstalled();
        Path pid = dir.resolve(name + ".pid");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(pid);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("nbdkit", "-f", "--exit-with-parent"));
        cmd.addAll(listen);
        cmd.addAll(List.of("-P", pid.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NbdKit kit = new NbdKit(p, socket, log);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(pid) || Files.size(pid) == 0) {
            if (!p.isAlive() || System.nanoTime() > until) {
                kit.close();
                throw new IOException("nbdkit did not start: " + Files.readString(log));
            }
            sleep(20);
        }
        return kit;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Path socket() {
        return socket;
    }

    /** {@code nbd+unix:///EXPORT?socket=...} (nbdkit serves any export name unless told otherwise). */
    public String uri(String export) {
        return "nbd+unix:///" + export + "?socket=" + socket;
    }

    /** The same with extra URI parameters, e.g. "timeout=1". */
    public String uri(String export, String params) {
        return uri(export) + "&" + params;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the server (SIGTERM, then SIGKILL) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
