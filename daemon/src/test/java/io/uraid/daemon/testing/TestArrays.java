package io.uraid.daemon.testing;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.TestEngines;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real arrays on member files for daemon tests: files under the module's target/ (a real disk
 * file system, so O_DIRECT works), created with uraid's own create and assembled on io_uring.
 */
public final class TestArrays implements AutoCloseable {
    public final Path dir;
    public final List<Path> members = new ArrayList<>();

    /** Member files for {@code count} members of {@code bytes} each (sparse). */
    public TestArrays(String prefix, int count, long bytes) throws IOException {
        Path base = Path.of(System.getProperty("user.dir"), "target", "daemon-tests");
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, prefix + "-");
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("m" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(bytes);
            }
            members.add(p);
        }
    }

    /** The best engine this machine has; skips the test (with the reasons) only when none works. */
    public static IoEngine engine() throws IOException {
        return TestEngines.open(256);
    }

    /** Creates an array named {@code name} of {@code level} on all member files (mirrors marked clean). */
    public void create(String name, String level) throws IOException {
        CreateSpec spec = new CreateSpec(name, "testhost", LevelRegistry.byName(level), members.size(), 64 << 10, -1,
                members, false, true);
        try (IoEngine e = engine()) {
            ArrayCreator.create(spec, e);
        }
    }

    public OpenArray assemble() throws IOException {
        return Assembler.assemble(members, AssembleOptions.DEFAULT, engine());
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
