package io.uraid.arrays;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Member files for array tests, in a fresh folder under the module's target/ (a real disk, so
 * O_DIRECT works: tmpfs refuses it on some kernels). Deleted on close.
 */
final class Members implements AutoCloseable {
    final Path dir;
    final List<Path> paths = new ArrayList<>();

    Members(String name, int count, long bytes) throws IOException {
        Path base = Path.of("target", "test-members");
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, name + "-");
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("member" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(bytes);
            }
            paths.add(p.toAbsolutePath());
        }
    }

    Path get(int i) {
        return paths.get(i);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
