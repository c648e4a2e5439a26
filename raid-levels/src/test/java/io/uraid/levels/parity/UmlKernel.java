package io.uraid.levels.parity;

import io.uraid.io.testing.UserModeLinux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a shell script inside a real Linux kernel booted as a user process ({@link UserModeLinux},
 * Debian's user-mode-linux), the oracle for md on-disk compatibility: the kernel's raid456, mdadm
 * and loop devices, with this machine's / as root file system (hostfs). md personalities and
 * loop are loaded before the script runs; each FILE becomes /dev/ubdb, /dev/ubdc, ...; the
 * script must keep the files it opens by path outside /dev, /proc, /sys and /run.
 */
final class UmlKernel {
    static final String KERNEL = "linux.uml";
    private static final Path MODULES = Path.of("/usr/lib/uml/modules");

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
     * Boots the kernel ({@link UserModeLinux}), runs {@code script} with /bin/sh in
     * {@code workDir} and powers off.
     *
     * @throws IOException when the kernel did not reach the end of the script in time
     */
    static Result run(Path workDir, String script, List<Path> ubdFiles, long timeoutSeconds)
            throws IOException, InterruptedException {
        UserModeLinux.Boot boot = UserModeLinux.run(script, ubdFiles, workDir, Duration.ofSeconds(timeoutSeconds));
        if (!boot.finished()) {
            throw new IOException("user-mode kernel did not finish the script within " + timeoutSeconds + " s; "
                    + boot);
        }
        return new Result(boot.exitCode(), boot.output());
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
