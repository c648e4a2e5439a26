package io.uraid.perf;

import io.uraid.core.api.IoCallback;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The redundancy figures in one run, over three member devices (raid1 on the first
 * two, the third a spare): 4 KiB random-write IOPS with {@code --bitmap none} against an
 * internal bitmap (mdadm's 64 MiB chunk and a 1 MiB chunk), interleaved rounds, medians; rebuild
 * speed on an idle array against the spare's sequential write speed; and client IOPS during a
 * rebuild throttled by md's default limits against the same array idle ({@link RebuildBench} for the
 * rebuild figure).
 *
 * <p>Usage: {@code RedundancyBench DEV0 DEV1 SPARE [seconds per run] [rounds]}. Overwrites the
 * devices.
 */
public final class RedundancyBench {
    private static final int BS = 4096;
    private static final int DEPTH = 32;

    private RedundancyBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RedundancyBench DEV0 DEV1 SPARE [seconds] [rounds]");
            System.exit(2);
        }
        List<Path> members = List.of(Path.of(args[0]), Path.of(args[1]));
        Path spare = Path.of(args[2]);
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        String[] modes = {"none", "internal-64M", "internal-1M"};
        double[][] iops = new double[modes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < modes.length; k++) {
                int m = (k + r) % modes.length; // rotate the order so no mode always runs first
                create(members, modes[m]);
                try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, engine())) {
                    iops[m][r] = randomWrites(open.array(), seconds, 1000 + r);
                }
                System.out.printf("round %d %-13s %,.0f IOPS%n", r + 1, modes[m], iops[m][r]);
            }
        }
        double none = rounds == 0 ? 0 : median(iops[0]);
        for (int m = 0; m < modes.length && rounds > 0; m++) {
            System.out.printf("4k randwrite QD%d bitmap %-13s median %,.0f IOPS (%.1f%% of none)%n", DEPTH, modes[m],
                    median(iops[m]), 100 * median(iops[m]) / none);
        }
        RebuildBench.idleRebuild(members, spare, Math.max(1, rounds));
        duringRebuild(members, spare, seconds);
    }

    private static IoEngine engine() throws java.io.IOException {
        return RebuildBench.engine();
    }

    private static void create(List<Path> members, String mode) throws Exception {
        CreateSpec.BitmapMode bm = mode.equals("none") ? CreateSpec.BitmapMode.NONE : CreateSpec.BitmapMode.INTERNAL;
        int chunk = mode.endsWith("1M") ? 1 << 20 : 0;
        CreateSpec spec = new CreateSpec("bench", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, members, true, true,
                bm, chunk);
        try (IoEngine e = engine()) {
            ArrayCreator.create(spec, e);
        }
    }

    /** 4 KiB random writes at a fixed depth for {@code seconds}; every completion issues the next. */
    static double randomWrites(RaidArray array, double seconds, long seed) throws Exception {
        long blocks = array.size() / BS;
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        CountDownLatch finished = new CountDownLatch(DEPTH);
        try (NativeBuffer buf = NativeBuffer.allocate(BS * DEPTH)) {
            long[] rng = {seed * 0x9E3779B97F4A7C15L | 1};
            IoCallback[] next = new IoCallback[1];
            next[0] = (tag, result) -> {
                if (result < 0) {
                    throw new IllegalStateException("write failed: " + result);
                }
                done.incrementAndGet();
                if (System.nanoTime() >= end) {
                    finished.countDown();
                    return;
                }
                array.write(nextBlock(rng, blocks) * BS, BS, buf.address() + tag * BS, 0, next[0], tag);
            };
            long t0 = System.nanoTime();
            synchronized (rng) {
                for (int i = 0; i < DEPTH; i++) {
                    array.write(nextBlock(rng, blocks) * BS, BS, buf.address() + (long) i * BS, 0, next[0], i);
                }
            }
            finished.await();
            return done.get() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static long nextBlock(long[] rng, long blocks) {
        synchronized (rng) {
            long x = rng[0];
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            rng[0] = x;
            return Math.floorMod(x, blocks);
        }
    }

    /** Client 4k random writes during a rebuild throttled by md's defaults against the same array idle. */
    private static void duringRebuild(List<Path> members, Path spare, double seconds) throws Exception {
        int rounds = 3;
        double[] idle = new double[rounds];
        double[] during = new double[rounds];
        for (int r = 0; r < rounds; r++) { // idle and during-rebuild figures alternate, same array
            create(members, "internal-64M");
            try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, engine());
                 IoEngine prep = engine()) {
                idle[r] = randomWrites(open.array(), seconds, 77 + r);
                open.addSpare(spare, prep, true);
                open.array().fail(1);
                while (!open.redundancy().syncStatus().running()) {
                    Thread.sleep(1);
                }
                during[r] = randomWrites(open.array(), seconds, 78 + r);
                SyncStatus s = open.redundancy().syncStatus();
                System.out.printf("round %d: idle %,.0f IOPS, during rebuild %,.0f IOPS; rebuild %.1f MB/s, running %s%n",
                        r + 1, idle[r], during[r], s.bytesPerSecond() / 1e6, s.running());
            }
        }
        System.out.printf("client 4k randwrite QD%d: idle median %,.0f IOPS, during a throttled rebuild median %,.0f"
                + " IOPS (%.0f%%)%n", DEPTH, median(idle), median(during), 100 * median(during) / median(idle));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
