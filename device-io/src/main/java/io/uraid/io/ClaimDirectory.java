package io.uraid.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where host-wide claims live as lock files: arrays' UUIDs, and remote members (which cannot
 * be claimed on the device itself). {@code /run/lock/uraid} for root; the system property
 * {@code uraid.claims} or the environment variable {@code URAID_CLAIMS_DIR} override it; a user
 * who cannot write there gets a directory of their own under the temporary directory.
 */
public final class ClaimDirectory {
    private static final Path SYSTEM_DIR = Path.of("/run/lock/uraid");
    private static volatile Path directory;

    private ClaimDirectory() {
    }

    /** The directory (created on first use). */
    public static Path get() {
        Path d = directory;
        if (d == null) {
            synchronized (ClaimDirectory.class) {
                if (directory == null) {
                    directory = choose();
                }
                d = directory;
            }
        }
        return d;
    }

    private static Path choose() {
        String override = System.getProperty("uraid.claims", System.getenv("URAID_CLAIMS_DIR"));
        if (override != null && !override.isEmpty()) {
            Path p = usable(Path.of(override));
            return p != null ? p : Path.of(override); // claims there fail, saying why
        }
        Path system = usable(SYSTEM_DIR);
        if (system != null) {
            return system;
        }
        Path own = Path.of(System.getProperty("java.io.tmpdir"), "uraid-claims-" + System.getProperty("user.name"));
        Path p = usable(own);
        return p != null ? p : own;
    }

    private static Path usable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (IOException e) {
            return null;
        }
    }
}
