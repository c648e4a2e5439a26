package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.nativeio.LoopDevice;
import io.uraid.io.nativeio.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import io.uraid.io.testing.TestEngines;
import io.uraid.perf.FioJson;
import io.uraid.perf.bench.Targets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code uraid bench} end to end on member files and (as root) loop devices. Short runs. */
class BenchCommandTest {
    private static final long MEMBER = 24L << 20;
    private Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        TestEngines.best(); // the best engine this machine has; skips only when none works
        dir = TestDirs.create("bench");
    }

    @AfterEach
    void tearDown() {
        TestDirs.delete(dir);
    }

    private List<Path> members(int n) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path p = dir.resolve("m" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(MEMBER);
            }
            paths.add(p);
        }
        return paths;
    }

    private int run(List<Path> devs, String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        devs.forEach(p -> all.add(p.toString()));
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    private void compareGivesSaneFigures(List<Path> devs) {
        int code = run(devs, "--level", "raid0", "--chunk", "64K", "--force", "--compare", "--rounds", "2",
                "--runtime", "0.4", "--ramp", "0.1", "--iodepth", "16", "--json");
        assertEquals(0, code, err.toString());
        JsonNode root = FioJson.parse(out.toString());
        assertEquals(4, root.path("jobs").size(), "raw, array, raw, array");
        for (int i = 0; i < 4; i++) {
            JsonNode read = root.path("jobs").path(i).path("read");
            // Consistency, not speed (speed lives in BENCHMARKS.md): a busy host may stall a
            // 0.4 s round, but the figures must still agree with each other.
            double iops = read.path("iops").asDouble();
            double ios = read.path("total_ios").asDouble();
            double runtimeMs = read.path("runtime").asDouble();
            assertTrue(ios >= 1 && iops > 0, "job " + i + " did no I/O: " + ios + " ios, IOPS " + iops);
            assertEquals(4096.0 * ios, read.path("io_bytes").asDouble(), 0.0, "job " + i + " bytes = 4k x ios");
            assertEquals(ios / (runtimeMs / 1000.0), iops, iops * 0.05 + 1, "job " + i + " IOPS = ios / runtime");
            double p99 = read.at("/clat_ns/percentile/99.000000").asDouble();
            assertTrue(p99 > 500 && p99 < 5e9, "p99 " + p99 + " ns");
        }
        assertEquals("raw.r1", root.at("/jobs/0/jobname").asText());
        assertEquals("array.r1", root.at("/jobs/1/jobname").asText());
        double ratio = root.at("/uraid/ratios/array~1raw").asDouble();
        assertTrue(ratio > 0.02 && ratio < 50, "array/raw " + ratio);
    }

    @Test
    void compareOnFilesProducesFioJsonForBothTargets() throws IOException {
        compareGivesSaneFigures(members(4));
    }

    @Test
    void compareOnLoopDevices() throws IOException {
        LoopDevice.assumeAvailable();
        List<Path> files = members(4);
        List<LoopDevice> loops = new ArrayList<>();
        try {
            for (Path f : files) {
                loops.add(LoopDevice.attach(f, 512));
            }
            compareGivesSaneFigures(loops.stream().map(LoopDevice::path).toList());
        } finally {
            for (LoopDevice l : loops) {
                l.close();
            }
        }
    }

    @Test
    void verifyCatchesABlockCorruptedBehindTheArray() throws IOException {
        List<Path> devs = members(2);
        assertEquals(0, run(devs, "--level", "raid0", "--chunk", "64K", "--rw", "write", "--verify", "--size", "4M",
                "--iodepth", "8", "--ramp", "0"), err.toString());
        assertTrue(out.toString().contains("reads verified"), out.toString());
        assertEquals(0, run(devs, "--assemble", "--rw", "read", "--verify", "--size", "4M", "--ramp", "0"),
                "intact data verifies: " + err);
        // Array offset 64K+4K is chunk 1 (member 1, its first chunk), block 1 of it.
        Targets.Regions regions = Targets.regions(devs);
        try (RandomAccessFile f = new RandomAccessFile(regions.paths().get(1).toFile(), "rw")) {
            f.seek(regions.starts()[1] + 4096 + 100);
            f.write(new byte[] {1, 2, 3, 4});
        }
        int code = run(devs, "--assemble", "--rw", "read", "--verify", "--size", "4M", "--ramp", "0");
        assertEquals(1, code, "corruption fails the run");
        assertTrue(err.toString().contains("verify failed at offset " + (64 * 1024 + 4096)), err.toString());

        assertEquals(1, run(devs, "--raw", "--rw", "write", "--runtime", "0.1"), "raw writes refused on members");
        assertTrue(err.toString().contains("refusing to write"), err.toString());
    }

    @Test
    void badTargetsGetClearErrors() throws IOException {
        assertEquals(2, run(members(1), "--runtime", "0.1"));
        assertTrue(err.toString().contains("choose one target"), err.toString());
        assertEquals(1, run(List.of(), "--nbd", "nbd+unix:///x?socket=/nonexistent/nbd.sock"));
        assertTrue(err.toString().startsWith("uraid: cannot connect to nbd+unix:///x"), err.toString());
        assertEquals(2, run(members(1), "--nbd", "nbd://localhost/x"));
        assertTrue(err.toString().contains("--nbd takes no devices"), err.toString());
    }
}
