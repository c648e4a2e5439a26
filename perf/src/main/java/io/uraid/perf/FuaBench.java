package io.uraid.perf;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 4 KiB FUA write latency on a raid1, one write at a time (queue depth 1, where ordering costs
 * show), with FUA as the members take it (RWF_DSYNC on the write) and emulated as a write plus
 * an fdatasync of the member, linked (one submission) or phased (the flush issued by the
 * dispatcher after the write completed). Modes interleave within each round; medians of the
 * rounds' median and 99th percentile latencies.
 *
 * <p>Usage: {@code FuaBench DEV0 DEV1 [seconds per run] [rounds]}. Overwrites the devices.
 */
public final class FuaBench {
    private static final int BLOCK = 4096;

    private enum Mode {
        NATIVE(false, ArrayOptions.Ordering.LINKED),
        EMULATED_LINKED(true, ArrayOptions.Ordering.LINKED),
        EMULATED_PHASED(true, ArrayOptions.Ordering.PHASED);

        final boolean emulate;
        final ArrayOptions.Ordering ordering;

        Mode(boolean emulate, ArrayOptions.Ordering ordering) {
            this.emulate = emulate;
            this.ordering = ordering;
        }
    }

    private FuaBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FuaBench DEV0 DEV1 [seconds per run] [rounds]");
            System.exit(2);
        }
        List<Path> members = List.of(Path.of(args[0]), Path.of(args[1]));
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (IoEngine e = RebuildBench.engine()) {
            ArrayCreator.create(new CreateSpec("fua", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, members,
                    true, true, CreateSpec.BitmapMode.NONE, 0), e);
        }
        Mode[] modes = Mode.values();
        double[][] p50 = new double[modes.length][rounds];
        double[][] p99 = new double[modes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < modes.length; k++) {
                Mode m = modes[(k + r) % modes.length]; // rotate the order per round
                double[] lat = run(members, m, (long) (seconds * 1e9));
                p50[m.ordinal()][r] = lat[0];
                p99[m.ordinal()][r] = lat[1];
                System.out.printf("round %d %-16s p50 %6.1f us  p99 %6.1f us  (%d writes)%n", r + 1, m, lat[0], lat[1],
                        (long) lat[2]);
            }
        }
        for (Mode m : modes) {
            System.out.printf("%-16s median p50 %6.1f us, median p99 %6.1f us%n", m,
                    RedundancyBench.median(p50[m.ordinal()]), RedundancyBench.median(p99[m.ordinal()]));
        }
        System.out.printf("emulated: linked / phased p50 %.2f%n", RedundancyBench.median(p50[1]) / RedundancyBench.median(p50[2]));
    }

    /** {p50 us, p99 us, writes} of QD1 4 KiB FUA random writes for {@code nanos}. */
    private static double[] run(List<Path> members, Mode mode, long nanos) throws Exception {
        AssembleOptions opts = new AssembleOptions(false, ArrayOptions.DEFAULT.withEmulatedFua(mode.emulate)
                .withOrdering(mode.ordering));
        try (OpenArray open = Assembler.assemble(members, opts, RebuildBench.engine());
             NativeBuffer buf = NativeBuffer.allocate(BLOCK)) {
            RaidArray array = open.array();
            array.registerMemory(buf);
            long blocks = Math.min(array.size(), 256L << 20) / BLOCK;
            long[] lat = new long[1 << 22];
            int n = 0;
            AtomicInteger done = new AtomicInteger();
            io.uraid.core.api.IoCallback callback = (tag, result) -> {
                if (result != 0) {
                    throw new IllegalStateException("FUA write failed: " + result);
                }
                done.incrementAndGet();
            };
            long seed = 7;
            long warm = System.nanoTime() + 300_000_000L;
            long end = warm + nanos;
            for (long now = System.nanoTime(); now < end && n < lat.length; ) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                long at = Long.remainderUnsigned(seed >>> 16, blocks) * BLOCK;
                int before = done.get();
                long t0 = System.nanoTime();
                array.write(at, BLOCK, buf.address(), BlockTarget.FUA, callback, 0);
                while (done.get() == before) { // one write at a time: spin for its completion
                    Thread.onSpinWait();
                }
                now = System.nanoTime();
                if (t0 >= warm) {
                    lat[n++] = now - t0;
                }
            }
            long[] sorted = Arrays.copyOf(lat, n);
            Arrays.sort(sorted);
            return new double[] {sorted[n / 2] / 1e3, sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e3, n};
        }
    }
}
