package io.uraid.levels.parity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell script inside a real Linux kernel booted as a user process (Debian's
 * user-mode-linux), the oracle for md on-disk compatibility: the kernel's raid456, mdadm and
 * loop devices, with this machine's / as root file system (hostfs). Same contract as the
 * workspace's uml-run tool, kept self-contained so a clean clone needs only the
 * {@code user-mode-linux} package: md personalities and loop are loaded before the script
 * runs; each FILE becomes /dev/ubdb, /dev/ubdc, ...; the script must keep the files it opens
 * by path outside /dev, /proc, /sys and /run. Boots in about 8 s.
 */
final class UmlKernel {
    static final String KERNEL = "linux.uml";
    private static final Path MODULES = Path.of("/usr/lib/uml/modules");
    private static final String READY = "=== uml ready";
    private static final String EXIT = "=== uml exit ";

    private UmlKernel() {
    }

    /** What the script printed between the markers, and its exit status. */
    record Result(int exit, String output) {
        /** Lines starting with {@code prefix + " "}, without the prefix. */
        List<String> lines(String prefix) {
            List<String> out = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.startsWith(prefix + " ")) {
                    out.add(line.substring(prefix.length() + 1));
                }
            }
            return out;
        }
    }

    /** Why the kernel cannot run here, or null when it can. */
    static String unavailable() {
        if (!onPath(KERNEL)) {
            return KERNEL + " not found (apt-get install user-mode-linux)";
        }
        if (!Files.isDirectory(MODULES)) {
            return MODULES + " missing (user-mode-linux modules)";
        }
        if (!onPath("mdadm") || !onPath("losetup")) {
            return "mdadm or losetup not found";
        }
        return null;
    }

    /**
     * Boots the kernel, runs {@code script} with /bin/sh in {@code workDir} and powers off.
     *
     * @throws IOException when the kernel did not reach the end of the script in time
     */
    static Result run(Path workDir, String script, List<Path> ubdFiles, long timeoutSeconds)
            throws IOException, InterruptedException {
        if (ubdFiles.size() > 15) {
            throw new IllegalArgumentException("at most 15 ubd files; use loop devices for more");
        }
        Path dir = workDir.toAbsolutePath();
        Path scriptFile = dir.resolve("uml-script.sh");
        Path init = dir.resolve("uml-init.sh");
        Path console = dir.resolve("uml-console.log");
        Files.writeString(scriptFile, script);
        Files.writeString(init, initScript(dir, scriptFile));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of(KERNEL, "mem=" + System.getProperty("uraid.uml.mem", "1G"),
                "rootfstype=hostfs", "rootflags=/", "rw", "init=" + init, "con0=fd:0,fd:1", "con=null"));
        for (int i = 0; i < ubdFiles.size(); i++) {
            cmd.add("ubd" + (i + 1) + "=" + ubdFiles.get(i).toAbsolutePath());
        }
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("user-mode kernel did not finish within " + timeoutSeconds + " s; see " + console);
        }
        String all = Files.readString(console, StandardCharsets.ISO_8859_1).replace("\r", "");
        int from = all.indexOf(READY);
        int to = all.lastIndexOf(EXIT);
        if (from < 0 || to < from) {
            throw new IOException("user-mode kernel did not run the script; see " + console);
        }
        String status = all.substring(to + EXIT.length()).split("\n", 2)[0].trim();
        return new Result(Integer.parseInt(status), all.substring(from + READY.length() + 1, to));
    }

    private static String initScript(Path dir, Path script) {
        return "#!/bin/sh\n"
                + "mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null;"
                + " mount -t tmpfs run /run\n"
                + "K=/usr/lib/uml/modules/$(uname -r)/kernel\n"
                + "for m in drivers/md/md-mod drivers/md/linear drivers/md/raid0 drivers/md/raid1 drivers/md/raid10"
                + " crypto/xor lib/raid6/raid6_pq crypto/async_tx/async_tx crypto/async_tx/async_memcpy"
                + " crypto/async_tx/async_xor crypto/async_tx/async_pq crypto/async_tx/async_raid6_recov"
                + " drivers/md/raid456; do\n"
                + "  [ -f $K/$m.ko ] && insmod $K/$m.ko 2>/dev/null\n"
                + "done\n"
                + "insmod $K/drivers/block/loop.ko max_loop=255 2>/dev/null\n"
                + "cd '" + dir + "'\n"
                + "echo '" + READY + "'\n"
                + "/bin/sh '" + script + "'\n"
                + "echo \"" + EXIT + "$?\"\n"
                + "poweroff -f\n";
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", exe)) || Files.isExecutable(Path.of("/sbin", exe));
    }
}
