package io.uraid.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.uraid.perf.FioJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Our JSON parses and carries fio's fields and units; fio's own json+ reads back; the plot draws. */
class ReportJsonTest {
    /** 100 ms of reads per round: a timeline to plot. */
    private static final Workload TIMED = new Workload(RwMode.RANDREAD, 0, 4096, 4, 1, 100_000_000L, 0, 0, 1, false, 0);
    /** Exactly 256 reads per round, however busy the host: counts to check. */
    private static final Workload SIZED = new Workload(RwMode.RANDREAD, 0, 4096, 4, 1, 0, 1 << 20, 0, 1, false, 0);

    private static Map<String, List<RunResult>> twoTargets(Workload w) throws Exception {
        Map<String, List<RunResult>> byLabel = new LinkedHashMap<>();
        try (MemoryTarget t = new MemoryTarget(1 << 20)) {
            for (String label : new String[] {"raw", "array"}) {
                List<RunResult> rounds = new ArrayList<>();
                for (int round = 1; round <= 2; round++) {
                    rounds.add(new BenchRun(label, round, t, w, new BenchRun.Sinks(null, null, 20_000_000L)).run());
                }
                byLabel.put(label, rounds);
            }
        }
        return byLabel;
    }

    @Test
    void jsonCarriesFioFieldsAndUnits() throws Exception {
        var byLabel = twoTargets(SIZED);
        JsonNode root = FioJson.parse(BenchReport.json(SIZED, byLabel));
        assertEquals(4, root.path("jobs").size(), "one job per target and round");
        assertEquals("raw.r1", root.at("/jobs/0/jobname").asText());
        JsonNode read = root.at("/jobs/1/read");
        double iops = read.path("iops").asDouble();
        long bwBytes = read.path("bw_bytes").asLong();
        assertTrue(iops > 0);
        assertEquals(256, read.path("total_ios").asLong());
        assertEquals(bwBytes / 1024, read.path("bw").asLong(), "bw is KiB/s");
        assertEquals(iops * 4096, bwBytes, bwBytes * 0.001 + 1, "bw_bytes = iops x bs");
        assertEquals(read.path("total_ios").asLong(), read.at("/clat_ns/N").asLong());
        double p50 = read.at("/clat_ns/percentile/50.000000").asDouble();
        double p99 = read.at("/clat_ns/percentile/99.000000").asDouble();
        assertTrue(p50 > 0 && p99 >= p50, "percentiles in ns, ordered: " + p50 + " " + p99);
        assertTrue(root.at("/uraid/ratios/array~1raw").isNumber(), "uraid.ratios[\"array/raw\"]");
        assertTrue(root.at("/jobs/0/write/total_ios").isIntegralNumber());
        assertEquals(0, root.at("/jobs/0/write/total_ios").asLong());
        assertEquals("4096", root.at("/jobs/0/job options/bs").asText(), "job options are strings, as fio writes them");
    }

    @Test
    void fioJsonPlusIsReadWithItsLatencyBins() {
        String fio = "fio: some warning\n{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"fio\",\"error\":0,"
                + "\"read\":{\"io_bytes\":4096000,\"bw_bytes\":2048000,\"iops\":500.0,\"runtime\":2000,"
                + "\"total_ios\":1000,\"clat_ns\":{\"N\":1000,\"bins\":{\"10000\":900,\"50000\":90,\"900000\":10}}},"
                + "\"write\":{\"io_bytes\":0,\"total_ios\":0,\"runtime\":0}}]}";
        RunResult r = FioRunner.parse(fio, 2);
        assertEquals("fio", r.label());
        assertEquals(2, r.round());
        assertEquals(500.0, r.read().iops(), 0.01);
        assertEquals(1000, r.read().latency().getTotalCount());
        assertEquals(10_000, r.read().percentile(50), 10);
        assertEquals(50_000, r.read().percentile(95), 50);
        assertEquals(900_000, r.read().latency().getMaxValue(), 1000);
        assertEquals(0, r.write().ios());
    }

    @Test
    void fioCommandMatchesTheWorkload() {
        Workload w = new Workload(RwMode.RANDRW, 70, 4096, 32, 2, 5_000_000_000L, 0, 1_000_000_000L, 9, false, 0);
        List<String> cmd = FioRunner.command(w, List.of(Path.of("/dev/a"), Path.of("/dev/b")), 1 << 20, 1 << 30);
        for (String want : new String[] {"--filename=/dev/a:/dev/b", "--rw=randrw", "--rwmixread=70", "--bs=4096",
            "--iodepth=32", "--numjobs=2", "--offset=1048576", "--size=2147483648", "--runtime=5000ms",
            "--ramp_time=1000ms", "--direct=1", "--ioengine=io_uring", "--output-format=json+"}) {
            assertTrue(cmd.contains(want), want + " in " + cmd);
        }
    }

    @Test
    void tableAndPlotShowEveryTarget() throws Exception {
        var byLabel = twoTargets(TIMED);
        String table = BenchReport.table("t", byLabel);
        assertTrue(table.contains("raw ") && table.contains("array ") && table.contains("array / raw: IOPS"), table);
        // Kept under target/ so a person can look at it.
        Path png = Path.of("target", "bench-plot-test.png");
        Plot.write(png, "test", byLabel);
        var img = ImageIO.read(png.toFile());
        assertEquals(1400, img.getWidth());
        assertTrue(Files.size(png) > 5000);
        assertEquals(Plot.color("array").getRGB() & 0xffffff, countColor(img, Plot.color("array").getRGB()) > 50
                ? Plot.color("array").getRGB() & 0xffffff : -1, "array's curve is drawn");
    }

    private static int countColor(java.awt.image.BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }
}
