package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.Sizes;
import io.uraid.perf.bench.BenchReport;
import io.uraid.perf.bench.BenchRun;
import io.uraid.perf.bench.FioRunner;
import io.uraid.perf.bench.Plot;
import io.uraid.perf.bench.RunResult;
import io.uraid.perf.bench.RwMode;
import io.uraid.perf.bench.Targets;
import io.uraid.perf.bench.Workload;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uraid bench}: fio-like workloads on an array, its raw members, or both side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure an array (or its raw members) with fio-like workloads: IOPS, bandwidth and "
            + "latency percentiles (HdrHistogram).",
            "Targets: --level L DEV... creates a scratch array (destroys the devices' contents); --assemble DEV... "
                + "uses an existing array; --raw DEV... drives the devices directly.",
            "--compare runs the raw members and the array interleaved for --rounds rounds and prints medians "
                + "and ratios; --vs-fio adds the same job run by fio."})
public final class BenchCommand implements Callable<Integer> {
    /** Held so the level set below sticks: one "I/O engine" line per round would drown the table. */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("io.uraid.io.IoEngines");
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DEV", arity = "0..*", description = "Member devices or files.")
    private List<Path> devices = new ArrayList<>();

    @Option(names = "--level", description = "Create a scratch array of this level (linear, raid0, raid1, raid4, raid5, raid6, raid10).")
    private String level;
    @Option(names = "--chunk", defaultValue = "512K", description = "Chunk size of the scratch array (default: ${DEFAULT-VALUE}).")
    private String chunk;
    @Option(names = "--force", description = "Create or write even where a superblock or file system is found.")
    private boolean force;
    @Option(names = "--assemble", description = "Use the existing array on DEV.")
    private boolean assemble;
    @Option(names = "--fail", paramLabel = "ROLE", defaultValue = "-1",
            description = "Measure the array with member ROLE failed (read workloads; assembled read-only, nothing written).")
    private int failRole;
    @Option(names = "--stripe-cache", paramLabel = "STRIPES", defaultValue = "256",
            description = "RAID4/5/6: stripes whose partial writes wait within a dispatcher turn to be gathered into one "
                    + "plan, a full stripe needing no reads (md's stripe_cache_size; 0: each write alone; "
                    + "default: ${DEFAULT-VALUE}).")
    private int stripeCache;

    @Option(names = "--raw", description = "Drive DEV... directly (requests spread over them).")
    private boolean raw;
    @Option(names = "--nbd", paramLabel = "URI",
            description = "An NBD export: nbd+unix:///NAME?socket=PATH or nbd://HOST:PORT/NAME (one connection).")
    private String nbd;

    @Option(names = "--rw", defaultValue = "randread", description = "read, write, randread, randwrite or randrw (default: ${DEFAULT-VALUE}).")
    private String rw;
    @Option(names = "--rwmixread", defaultValue = "50", description = "Percentage of reads for randrw (default: ${DEFAULT-VALUE}).")
    private int rwmixread;
    @Option(names = "--bs", defaultValue = "4k", description = "Request size (default: ${DEFAULT-VALUE}).")
    private String bs;
    @Option(names = "--iodepth", defaultValue = "32", description = "Requests in flight per job (default: ${DEFAULT-VALUE}).")
    private int iodepth;
    @Option(names = "--numjobs", defaultValue = "1", description = "Producer threads (default: ${DEFAULT-VALUE}).")
    private int numjobs;
    @Option(names = "--runtime", description = "Seconds to measure (default 10 unless --size is given).")
    private Double runtime;
    @Option(names = "--size", description = "Region used from offset 0; without --runtime also the bytes to transfer.")
    private String size;
    @Option(names = "--ramp", defaultValue = "1", description = "Seconds of unmeasured warm-up (default: ${DEFAULT-VALUE}).")
    private double ramp;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the offset and mix generators (default: ${DEFAULT-VALUE}).")
    private long seed;
    @Option(names = "--verify", description = "Write self-checking blocks (offset, generation, crc32c) and check every read.")
    private boolean verify;
    @Option(names = "--rate", paramLabel = "IOPS", defaultValue = "0", description = "Open loop at this total rate, corrected for coordinated omission.")
    private long rate;

    @Option(names = "--inline", description = "Issue each next request from the completion thread (fio-like "
            + "single loop) instead of handing it back to the producer thread.")
    private boolean inline;

    @Option(names = "--compare", description = "Raw members and array interleaved; medians and ratios.")
    private boolean compare;
    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per target with --compare (default: ${DEFAULT-VALUE}).")
    private int rounds;
    @Option(names = "--vs-fio", description = "Also run the same job with fio on the members.")
    private boolean vsFio;

    @Option(names = "--json", description = "Print fio-style JSON instead of the table.")
    private boolean json;
    @Option(names = "--json-out", paramLabel = "FILE", description = "Also write the fio-style JSON to FILE.")
    private Path jsonOut;
    @Option(names = "--hlog", paramLabel = "FILE", description = "Write an HdrHistogram interval log.")
    private Path hlog;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw latency percentiles and IOPS over time.")
    private Path plot;
    @Option(names = "--interval", defaultValue = "1", description = "Seconds per timeline/log sample (default: ${DEFAULT-VALUE}).")
    private double interval;

    @Override
    public Integer call() throws Exception {
        ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
        Workload w = workload();
        List<Targets.Factory> factories = new ArrayList<>();
        Targets.Regions regions = setUp(w, factories);
        int n = compare ? rounds : 1;
        if (n < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        if (vsFio) {
            String why = FioRunner.unavailabilityCause();
            if (why != null) {
                throw new ExitCodes.CliException(ExitCodes.FAILURE, "--vs-fio: " + why);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = System.console() != null && !json ? out : null;
        Map<String, List<RunResult>> byLabel = new LinkedHashMap<>();
        try (PrintStream logStream = hlog == null ? null : new PrintStream(new FileOutputStream(hlog.toFile()))) {
            HistogramLogWriter log = logStream == null ? null : startLog(logStream);
            BenchRun.Sinks sinks = new BenchRun.Sinks(progress, log, (long) (interval * 1e9));
            for (int round = 1; round <= n; round++) {
                for (Targets.Factory f : factories) {
                    RunResult r = runOne(f, round, w, sinks);
                    byLabel.computeIfAbsent(f.label(), k -> new ArrayList<>()).add(r);
                    if (r.failure() != null) {
                        report(w, byLabel, out);
                        throw new ExitCodes.CliException(ExitCodes.FAILURE, f.label() + ": " + r.failure());
                    }
                }
                if (vsFio) {
                    byLabel.computeIfAbsent("fio", k -> new ArrayList<>()).add(runFio(w, regions, round));
                }
            }
        }
        report(w, byLabel, out);
        return ExitCodes.OK;
    }

    private Workload workload() {
        RwMode mode = RwMode.parse(rw);
        if (runtime != null && runtime <= 0 || ramp < 0 || interval <= 0) {
            throw new IllegalArgumentException("--runtime and --interval must be > 0 and --ramp >= 0");
        }
        long sizeBytes = size == null ? 0 : Sizes.parse(size);
        long runtimeNanos = runtime != null ? (long) (runtime * 1e9) : sizeBytes > 0 ? 0 : 10_000_000_000L;
        return new Workload(mode, rwmixread, Math.toIntExact(Sizes.parse(bs)), iodepth, numjobs, runtimeNanos, sizeBytes,
                (long) (ramp * 1e9), seed, verify, rate, inline);
    }

    /** Checks the target options, creates the scratch array if asked, and lists what to run. */
    private Targets.Regions setUp(Workload w, List<Targets.Factory> factories) throws IOException {
        int kinds = (level != null ? 1 : 0) + (assemble ? 1 : 0) + (raw ? 1 : 0) + (nbd != null ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("choose one target: --level L DEV..., --assemble DEV..., --raw DEV... "
                    + "or --nbd URI");
        }
        if (nbd != null) {
            if (compare || vsFio || !devices.isEmpty()) {
                throw new IllegalArgumentException("--nbd takes no devices, --compare or --vs-fio");
            }
            factories.add(nbdExport(nbd));
            return null;
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no devices given");
        }
        if (raw && compare) {
            throw new IllegalArgumentException("--compare needs an array (--level or --assemble)");
        }
        if (raw) {
            factories.add(Targets.rawDevices(devices, unit(w, 0), w.readPercent() < 100 || w.verify(), force));
            return null;
        }
        if (level != null) {
            int chunkBytes = Math.toIntExact(Sizes.parse(chunk));
            Targets.createScratch(LevelRegistry.byName(level), chunkBytes, devices, force);
        }
        Targets.Regions regions = Targets.regions(devices);
        if (compare) {
            factories.add(Targets.raw(regions, unit(w, regions.chunkBytes())));
        }
        if (failRole >= 0 && w.readPercent() < 100) {
            throw new IllegalArgumentException("--fail measures reads only: the array is assembled read-only");
        }
        factories.add(Targets.array(devices, failRole, ArrayOptions.DEFAULT.withStripeCacheSize(stripeCache)));
        return regions;
    }

    /** An NBD export through {@link io.uraid.daemon.nbd.NbdClient}, one connection per round. */
    private static Targets.Factory nbdExport(String uri) {
        return new Targets.Factory() {
            @Override
            public String label() {
                return "nbd";
            }

            @Override
            public Targets.Opened open() throws IOException {
                io.uraid.daemon.nbd.NbdClient c = io.uraid.daemon.nbd.NbdClient.connect(uri);
                return new Targets.Opened(c, c);
            }
        };
    }

    /** The raw baseline's spreading unit: the array's chunk, at least one request. */
    private static long unit(Workload w, int chunkBytes) {
        long u = chunkBytes > 0 ? chunkBytes : 512 * 1024;
        return u % w.blockSize() == 0 ? u : (u / w.blockSize() + 1) * w.blockSize();
    }

    private static RunResult runOne(Targets.Factory f, int round, Workload w, BenchRun.Sinks sinks) throws Exception {
        try (Targets.Opened t = f.open()) {
            return new BenchRun(f.label(), round, t.target(), w, sinks).run();
        }
    }

    private RunResult runFio(Workload w, Targets.Regions regions, int round) throws IOException, InterruptedException {
        if (regions == null) {
            return FioRunner.run(w, devices, 0, Targets.smallestSize(devices), round);
        }
        long offset = 0;
        long length = Long.MAX_VALUE;
        for (int i = 0; i < regions.starts().length; i++) {
            offset = Math.max(offset, regions.starts()[i]);
            length = Math.min(length, regions.lengths()[i]);
        }
        return FioRunner.run(w, regions.paths(), offset, length, round);
    }

    private static HistogramLogWriter startLog(PrintStream stream) {
        HistogramLogWriter log = new HistogramLogWriter(stream);
        log.outputLogFormatVersion();
        long now = System.currentTimeMillis();
        log.outputStartTime(now);
        log.setBaseTime(now);
        log.outputComment("uraid bench: latency in ns; max column in us; tags name target-round-direction");
        log.outputLegend();
        return log;
    }

    private void report(Workload w, Map<String, List<RunResult>> byLabel, PrintWriter out) throws IOException {
        String title = String.format(Locale.ROOT, "uraid bench: %s bs=%s iodepth=%d numjobs=%d%s%s",
                w.mode().fioName(), Sizes.format(w.blockSize()), w.iodepth(), w.numjobs(),
                level != null ? " " + level + "x" + devices.size() : "",
                w.rateIops() > 0 ? " rate=" + w.rateIops() + "/s" : "");
        if (json) {
            out.println(BenchReport.json(w, byLabel));
        } else {
            out.print(BenchReport.table(title, byLabel));
        }
        if (jsonOut != null) {
            java.nio.file.Files.writeString(jsonOut, BenchReport.json(w, byLabel));
        }
        out.flush();
        if (plot != null) {
            Plot.write(plot, title, byLabel);
        }
    }
}
