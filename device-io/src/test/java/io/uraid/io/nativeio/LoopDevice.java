package io.uraid.io.nativeio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loop device attached to a backing file with {@code losetup} for a test; {@link #close()}
 * detaches it, so use it in try-with-resources. Tests that need one call
 * {@link #assumeAvailable()} first, which skips them (with the reason) unless running as root
 * with losetup installed.
 */
public final class LoopDevice implements AutoCloseable {
    private final Path device;
    private boolean detached;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** Skips the calling test unless loop devices can be attached here. */
    public static void assumeAvailable() {
        assumeTrue(LinuxNative.isAvailable(), "native calls unavailable");
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "loop device tests need root");
        assumeTrue(findLosetup() != null, "losetup is not installed");
    }

    private static String findLosetup() {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path p = Path.of(dir, "losetup");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Attaches {@code file}; {@code sectorSize} 0 keeps the default (512). */
    public static LoopDevice attach(Path file, int sectorSize) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(findLosetup(), "-f", "--show"));
        if (sectorSize > 0) {
            cmd.add("--sector-size");
            cmd.add(Integer.toString(sectorSize));
        }
        cmd.add(file.toString());
        String out = run(cmd).trim();
        if (!out.startsWith("/dev/loop")) {
            throw new IOException("losetup printed no device: " + out);
        }
        return new LoopDevice(Path.of(out));
    }

    public Path path() {
        return device;
    }

    @Override
    public void close() throws IOException {
        if (!detached) {
            detached = true;
            run(List.of(findLosetup(), "-d", device.toString()));
        }
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
