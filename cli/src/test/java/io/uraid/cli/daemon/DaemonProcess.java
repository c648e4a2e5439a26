package io.uraid.cli.daemon;

import io.uraid.daemon.control.ControlClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code uraid daemon} in a child JVM (so SIGTERM and restarts are real), with its stderr in a file. */
public final class DaemonProcess implements AutoCloseable {
    final Path dir;
    public final Path control;
    final Path nbdSocket;
    final int metricsPort;
    public final Path log;
    private Process process;
    /** Extra environment for the daemon (NOTIFY_SOCKET, JOURNAL_STREAM... as systemd sets them). */
    final java.util.Map<String, String> env = new java.util.HashMap<>();
    /** Words the daemon's command line starts with, e.g. {@code ip netns exec NS} (none by default). */
    private List<String> prefix = List.of();
    /** Options for the daemon's JVM, e.g. {@code -Duraid.tls=jdk} (none by default). */
    private List<String> jvmOptions = List.of();

    public DaemonProcess(Path dir) throws IOException {
        this.dir = dir;
        this.control = dir.resolve("control.sock");
        this.nbdSocket = dir.resolve("nbd.sock");
        this.log = dir.resolve("daemon.log");
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
    }

    /** Runs the daemon behind {@code words} (e.g. in a network namespace); before {@link #start}. */
    DaemonProcess prefixed(List<String> words) {
        this.prefix = List.copyOf(words);
        return this;
    }

    /** Starts the daemon's JVM with {@code options}; before {@link #start}. */
    DaemonProcess jvmOptions(String... options) {
        this.jvmOptions = List.of(options);
        return this;
    }

    public String uri(String export) {
        return "nbd+unix:///" + export + "?socket=" + nbdSocket.toAbsolutePath();
    }

    /** Starts the daemon with {@code config} (and {@code extra} options) and waits until its control socket answers. */
    public void start(Path config, String... extra) throws Exception {
        long ready = readyLines();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), "io.uraid.cli.Main", "daemon",
                "--config", config.toString(), "--control", control.toString(),
                "--listen", "unix:" + nbdSocket, "--metrics", "127.0.0.1:" + metricsPort));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        process = pb.redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("daemon exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (ControlClient.send(control, List.of("ping")).ok() && readyLines() > ready) {
                    return; // the control socket answers before the metrics server is up: wait for "ready"
                }
                Thread.sleep(20);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("daemon did not come up in 30 s: " + Files.readString(log));
    }

    private long readyLines() throws IOException {
        return Files.exists(log) ? Files.readString(log).lines().filter(l -> l.contains("uraid daemon ready")).count()
                : 0;
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate() throws Exception {
        process.destroy(); // SIGTERM
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("daemon ignored SIGTERM for 60 s");
        }
        return process.exitValue();
    }

    /** SIGKILL (kill -9), and waits until the process is gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    static boolean hasTool(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }
}
