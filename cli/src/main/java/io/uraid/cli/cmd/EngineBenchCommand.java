package io.uraid.cli.cmd;

import io.uraid.io.BlockDevice;
import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.OpenOptions;
import io.uraid.perf.EngineBench;
import io.uraid.perf.FioJson;
import io.uraid.perf.HumanReport;
import io.uraid.perf.JobResult;
import io.uraid.perf.Pattern;
import io.uraid.io.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uraid engine-bench}: one device, one engine, fio-style figures. */
@Command(name = "engine-bench", mixinStandardHelpOptions = true,
        description = {"Measure an I/O engine on one device, like a single fio job with --direct=1.",
            "Without --device, a scratch file is created in a temporary folder and removed afterwards.",
            "Writes destroy the device's contents."})
public final class EngineBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--device", paramLabel = "PATH", description = "File or block device to measure.")
    private Path device;

    @Option(names = "--rw", defaultValue = "randread", description = "read, write, randread or randwrite (default: ${DEFAULT-VALUE}).")
    private String rw;

    @Option(names = "--bs", defaultValue = "4k", description = "Block size (default: ${DEFAULT-VALUE}).")
    private String bs;

    @Option(names = "--iodepth", defaultValue = "32", description = "Operations in flight (default: ${DEFAULT-VALUE}).")
    private int iodepth;

    @Option(names = "--runtime", defaultValue = "10", description = "Seconds to measure (default: ${DEFAULT-VALUE}).")
    private double runtime;

    @Option(names = "--ramp", defaultValue = "1", description = "Seconds of unmeasured warm-up (default: ${DEFAULT-VALUE}).")
    private double ramp;

    @Option(names = "--size", defaultValue = "256M",
            description = "Bytes of the device to use; also the size of the scratch file (default: ${DEFAULT-VALUE}).")
    private String size;

    @Option(names = "--engine", description = "io_uring, libaio or portable (default: the best available).")
    private String engine;

    @Option(names = "--json", description = "Print fio-style JSON (jobs[0].read.iops, bw in KiB/s, clat_ns...).")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        Pattern pattern = Pattern.parse(rw);
        int blockSize = Math.toIntExact(Sizes.parse(bs));
        long span = Sizes.parse(size);
        EngineKind kind = engine == null ? null : EngineKind.parse(engine); // before any scratch file exists
        if (runtime <= 0 || ramp < 0) {
            throw new IllegalArgumentException("--runtime must be > 0 and --ramp >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path scratchDir = null;
        Path target = device;
        if (target == null) {
            scratchDir = Files.createTempDirectory("uraid-engine-bench");
            target = scratchDir.resolve("scratch.img");
            createScratch(target, span);
        }
        try (IoEngine eng = kind == null ? IoEngines.openBest(Math.max(64, iodepth * 2))
                : IoEngines.open(kind, Math.max(64, iodepth * 2));
             BlockDevice dev = eng.open(target, OpenOptions.DEFAULT)) {
            EngineBench bench = new EngineBench(eng, dev, pattern, blockSize, iodepth, span, 42);
            JobResult result;
            try {
                result = bench.run((long) (ramp * 1e9), (long) (runtime * 1e9));
            } finally {
                bench.close();
            }
            if (json) {
                var opts = FioJson.options("rw", pattern.fioName(), "bs", blockSize, "iodepth", iodepth, "ioengine",
                        eng.name(), "filename", target);
                var job = FioJson.job("engine-bench", opts, pattern.isWrite() ? null : result,
                        pattern.isWrite() ? result : null);
                out.println(FioJson.text(FioJson.document(job)));
            } else {
                out.printf(Locale.ROOT, "engine-bench: %s on %s (%s, %s), %s bs=%s iodepth=%d, %.1fs%n", eng.name(),
                        target, dev.isBlockDevice() ? "block device" : "file", dev.isDirect() ? "O_DIRECT" : "buffered",
                        pattern.fioName(), Sizes.format(blockSize), iodepth, runtime);
                out.println(HumanReport.throughput(pattern.isWrite() ? "write" : "read", result));
                out.println(HumanReport.latency(result));
            }
            return 0;
        } finally {
            if (scratchDir != null) {
                Files.deleteIfExists(target);
                Files.deleteIfExists(scratchDir);
            }
        }
    }

    /** A fully allocated (not sparse) file, so reads measure the device rather than holes. */
    static void createScratch(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(1).nextBytes(chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(chunk);
            for (long done = 0; done < bytes; done += chunk.length) {
                buf.clear().limit((int) Math.min(chunk.length, bytes - done));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        }
    }
}
