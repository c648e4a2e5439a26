package io.uraid.cli.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.cli.Main;
import io.uraid.io.EngineKind;
import io.uraid.io.IoEngines;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** {@code uraid engine-bench --engine E}: the chosen engine runs; a bad choice is a one-line usage error. */
class EngineBenchCommandTest {
    private Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        // Under target/ (a disk file system): O_DIRECT needs one, and tmpfs may refuse it.
        Path base = Path.of(System.getProperty("user.dir"), "target", "cli-tests");
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "engine-bench");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private int run(String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void chosenEngineRunsAndIsNamedInTheJson(EngineKind kind) throws IOException {
        assumeTrue(IoEngines.unavailabilityCause(kind) == null, () -> kind + " unavailable here");
        Path dev = dir.resolve("dev.img");
        EngineBenchCommand.createScratch(dev, 4 << 20);
        int code = run("engine-bench", "--device", dev.toString(), "--engine", kind.cliName(), "--rw", "randwrite",
                "--iodepth", "4", "--runtime", "0.2", "--ramp", "0", "--size", "4M", "--json");
        assertEquals(0, code, err.toString());
        String json = out.toString();
        var job = io.uraid.perf.FioJson.parse(json).path("jobs").path(0);
        assertEquals(kind.cliName(), job.at("/job options/ioengine").asText(), json);
        assertTrue(job.at("/write/io_bytes").asLong() > 0, "no bytes written: " + json);
        assertTrue(job.at("/write/clat_ns/percentile/99.000000").asLong() > 0,
                "fio-style write latency percentiles missing: " + json);
        assertEquals(0, job.at("/read/io_bytes").asLong(), json);
    }

    @Test
    void unknownEngineIsAUsageErrorListingTheChoices() {
        int code = run("engine-bench", "--engine", "spdk", "--runtime", "0.1");
        assertEquals(2, code);
        assertEquals("uraid: unknown I/O engine 'spdk'; valid engines: io_uring, libaio, portable\n",
                err.toString().replace("\r", ""));
    }

    @Test
    void missingDeviceIsAOneLineFailureNamingIt() {
        Path missing = dir.resolve("missing.img");
        int code = run("engine-bench", "--device", missing.toString(), "--runtime", "0.1");
        assertEquals(1, code);
        assertEquals("uraid: " + missing + ": cannot open: no such file or directory\n",
                err.toString().replace("\r", ""));
    }
}
