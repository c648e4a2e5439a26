package io.uraid.io.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Linux kernel as a test oracle: Debian's {@code user-mode-linux} (a Linux 6.1 kernel
 * that runs as an ordinary process, no KVM, no root-only modules on the host) booted with this
 * machine's / as its root file system, the md personalities and nbd.ko loaded, given files
 * attached as block devices {@code /dev/ubdb}, {@code /dev/ubdc}... (at most {@link #MAX_DEVICES}),
 * running one shell script and powering off (loop has 255 devices, for more members than ubd's).
 *
 * <p>Inside, /dev, /proc, /sys and /run are the guest kernel's own; everything else is the
 * host's, so the script reads and writes host files (keep them out of those four folders),
 * runs the host's mdadm, nbd-client, mkfs... and this JVM's java with {@link #javaCommand()}
 * (slowly: one CPU, every system call traced; start as few JVMs inside as possible). Kernel
 * messages are kept off the console ({@code dmesg} has them), so the script's output is what
 * it prints; lines of the form {@code key=value} are its results ({@link Boot#values()}).
 *
 * <p>One boot costs about 5–10 s on an idle machine: batch many checks into one script.
 */
public final class UserModeLinux {
    /** Block devices one boot can be given (ubdb..ubdp). */
    public static final int MAX_DEVICES = 15;
    private static final String BINARY = "linux.uml";
    private static final String MODULES = "/usr/lib/uml/modules";
    private static final String READY = "=== uml ready";
    private static final String EXIT = "=== uml exit ";
    /** Modules the script can rely on, in load order (md personalities, the raid456 helpers, nbd); loop after. */
    private static final List<String> KERNEL_MODULES = List.of("drivers/md/md-mod", "drivers/md/linear",
            "drivers/md/raid0", "drivers/md/raid1", "drivers/md/raid10", "crypto/xor", "lib/raid6/raid6_pq",
            "crypto/async_tx/async_tx", "crypto/async_tx/async_memcpy", "crypto/async_tx/async_xor",
            "crypto/async_tx/async_pq", "crypto/async_tx/async_raid6_recov", "drivers/md/raid456",
            "drivers/block/nbd");
    private static final Pattern VALUE = Pattern.compile("^([A-Za-z0-9_.-]+)=(.*)$");

    private UserModeLinux() {
    }

    /**
     * Returns when the user-mode kernel can boot here; else skips the calling test, or fails it
     * where CI requires the tools ({@link RequiredTools}).
     */
    public static void require() {
        RequiredTools.require(BINARY, "user-mode-linux");
        if (modulesDir() == null) {
            RequiredTools.missing("no kernel modules under " + MODULES + " (reinstall user-mode-linux)");
        }
    }

    /** What one boot printed and how its script ended. */
    public record Boot(int exitCode, boolean finished, String output, Duration took) {
        /** The script's {@code key=value} lines (the last value of a key wins). */
        public Map<String, String> values() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : output.split("\n")) {
                Matcher v = VALUE.matcher(line.strip());
                if (v.matches()) {
                    m.put(v.group(1), v.group(2));
                }
            }
            return m;
        }

        /** The value the script printed for {@code key}; fails naming the output when it printed none. */
        public String value(String key) {
            String v = values().get(key);
            if (v == null) {
                throw new AssertionError("the guest printed no " + key + "=...; its output:\n" + output);
            }
            return v;
        }

        public long longValue(String key) {
            return Long.parseLong(value(key).trim());
        }

        @Override
        public String toString() {
            return "guest script " + (finished ? "exited " + exitCode : "did not finish") + " after "
                    + took.toSeconds() + " s; output:\n" + output;
        }
    }

    /**
     * Boots the kernel with {@code devices} as /dev/ubdb, /dev/ubdc..., runs {@code script}
     * (a /bin/sh script) inside with {@code workDir} as its working directory, and returns its
     * output. A script that powers the machine off itself ({@code poweroff -f}) or is cut off
     * by {@code timeout} comes back with {@link Boot#finished()} false.
     *
     * @param workDir a host folder (not under /dev, /proc, /sys, /run) for the script and the
     *                kernel's console log
     */
    public static Boot run(String script, List<Path> devices, Path workDir, Duration timeout) throws IOException,
            InterruptedException {
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("at most " + MAX_DEVICES + " devices per boot, not " + devices.size());
        }
        Path work = workDir.toAbsolutePath();
        Files.createDirectories(work);
        Path scriptFile = work.resolve("guest.sh");
        Files.writeString(scriptFile, script);
        Path init = work.resolve("init");
        Files.writeString(init, init(scriptFile, work));
        init.toFile().setExecutable(true);
        Path console = work.resolve("console.log");
        List<String> cmd = new ArrayList<>(List.of(BINARY, "mem=" + System.getProperty("uraid.uml.mem", "1G"),
                "rootfstype=hostfs", "rootflags=/", "rw", "init=" + init, "con0=fd:0,fd:1", "con=null"));
        for (int i = 0; i < devices.size(); i++) {
            cmd.add("ubd" + (i + 1) + "=" + devices.get(i).toAbsolutePath());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(console.toFile()).redirectErrorStream(true);
        if (!roomyShm()) {
            pb.environment().put("TMPDIR", work.toString()); // the guest's memory file, else on /dev/shm
        }
        long start = System.nanoTime();
        Process p = pb.start();
        boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            killTree(p);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String log = Files.readString(console).replace("\r\n", "\n"); // a tty console ends lines with CR LF
        int from = log.indexOf(READY + "\n");
        if (from < 0) {
            throw new IOException("the user-mode kernel did not reach the script (" + (ended ? "exit " + p.exitValue()
                    : "killed after " + timeout.toSeconds() + " s") + "); console:\n" + tail(log, 40));
        }
        String out = log.substring(from + READY.length() + 1);
        int exit = out.lastIndexOf(EXIT);
        if (exit >= 0) {
            int eol = out.indexOf('\n', exit);
            int code = Integer.parseInt(out.substring(exit + EXIT.length(), eol < 0 ? out.length() : eol).strip());
            return new Boot(code, true, out.substring(0, exit), took);
        }
        return new Boot(-1, false, out, took);
    }

    /**
     * {@link #run} with at most five minutes, for a script that must end well: its output, or an
     * AssertionError with it when it exits non-zero or does not finish.
     */
    public static String output(Path workDir, String script, Path... devices) throws IOException,
            InterruptedException {
        Boot boot = run(script, List.of(devices), workDir.resolve("uml"), Duration.ofMinutes(5));
        if (!boot.finished() || boot.exitCode() != 0) {
            throw new AssertionError(boot.toString());
        }
        return boot.output();
    }

    /**
     * The guest's init: mounts the kernel's file systems, quiets kernel messages on the console,
     * loads the modules, runs the script and powers off. The md sync speed floor is raised so
     * checks and resyncs of the small test arrays never wait for md's idle throttling.
     */
    private static String init(Path script, Path workDir) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n");
        s.append("export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
        s.append("mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null\n");
        s.append("mount -t tmpfs run /run; mkdir -p /dev/shm; mount -t tmpfs shm /dev/shm\n");
        s.append("dmesg -n 1\n");
        s.append("K=").append(MODULES).append("/$(uname -r)/kernel\n");
        s.append("for m in");
        for (String m : KERNEL_MODULES) {
            s.append(' ').append(m);
        }
        s.append("; do [ -f $K/$m.ko ] && insmod $K/$m.ko 2>/dev/null; done\n");
        s.append("insmod $K/drivers/block/loop.ko max_loop=255 2>/dev/null\n");
        s.append("echo 1000000 > /proc/sys/dev/raid/speed_limit_min; echo 1000000 > /proc/sys/dev/raid/speed_limit_max\n");
        s.append("cd ").append(quote(workDir.toString())).append('\n');
        s.append("echo '").append(READY).append("'\n");
        s.append("/bin/sh ").append(quote(script.toString())).append(" 2>&1\n");
        s.append("echo \"").append(EXIT).append("$?\"\n");
        s.append("poweroff -f\n");
        return s.toString();
    }

    /**
     * The command that runs uraid's CLI ({@code io.uraid.cli.Main}, which must be on this JVM's
     * class path) inside the guest with this JVM's java and class path,
     * tuned to start fast there (one client-compiler thread, serial GC, small heap and code
     * cache, no perf data file): every page a JVM maps costs the guest a traced fault.
     */
    public static String javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return quote(java) + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m"
                + " -XX:+UseSerialGC -Xmx192m -XX:-UsePerfData -Xss512k -cp "
                + quote(System.getProperty("java.class.path")) + " io.uraid.cli.Main";
    }

    /** {@code text} as one single-quoted shell word. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * The kernel keeps its memory in a file on /dev/shm when that is a tmpfs: fine unless it is
     * as small as a container's default (64 MiB), where the guest would die of SIGBUS.
     */
    private static boolean roomyShm() {
        try {
            return Files.getFileStore(Path.of("/dev/shm")).getUsableSpace() >= 4L << 30;
        } catch (IOException e) {
            return false;
        }
    }

    private static String modulesDir() {
        Path dir = Path.of(MODULES);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.exists(d.resolve("kernel/drivers/md/raid10.ko"))).map(Path::toString)
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The kernel runs its processes as host children: end them all, children first. */
    private static void killTree(Process p) throws InterruptedException {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
