package io.uraid.io.nativeio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for native I/O tests under the module's {@code target/}, which is on a
 * real disk file system: /tmp or /dev/shm may be tmpfs, where O_DIRECT behaves differently.
 */
public final class TestDirs {
    private TestDirs() {
    }

    /** A fresh directory under {@code target/native-tests}. */
    public static Path create(String prefix) throws IOException {
        Path base = Path.of(System.getProperty("user.dir"), "target", "native-tests");
        Files.createDirectories(base);
        return Files.createTempDirectory(base, prefix);
    }

    /** Deletes {@code dir} and everything in it; ignores a missing directory. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
