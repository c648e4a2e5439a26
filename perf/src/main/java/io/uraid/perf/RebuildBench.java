package io.uraid.perf;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import io.uraid.io.uring.IoUringEngine;
import java.nio.file.Path;
import java.util.List;

/**
 * Idle rebuild speed against the spare's own sequential write speed and a bare copy, side by
 * side: each round writes the spare sequentially (1 MiB, QD4), copies member 0 onto it with no
 * array at all (1 MiB reads each followed by its write, four in flight), then rebuilds raid1
 * role 1 onto it with the throttle out of the way, once with each window's read and write as one
 * linked chain (the default) and once in phases (the write issued by the dispatcher after the
 * read completed); medians of the rounds.
 *
 * <p>Usage: {@code RebuildBench DEV0 DEV1 SPARE [rounds]}. Overwrites the devices.
 */
public final class RebuildBench {
    private RebuildBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RebuildBench DEV0 DEV1 SPARE [rounds]");
            System.exit(2);
        }
        idleRebuild(List.of(Path.of(args[0]), Path.of(args[1])), Path.of(args[2]),
                args.length > 3 ? Integer.parseInt(args[3]) : 5);
    }

    /** Runs the rounds, prints each and the medians. */
    static void idleRebuild(List<Path> members, Path spare, int rounds) throws Exception {
        double[] seq = new double[rounds];
        double[] copy = new double[rounds];
        double[] rebuild = new double[rounds];
        double[] phased = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            seq[r] = sequentialWrite(spare);
            copy[r] = rawCopy(members.get(0), spare);
            boolean phasedFirst = r % 2 == 1; // alternate which ordering runs first
            if (phasedFirst) {
                phased[r] = rebuild(members, spare, ArrayOptions.Ordering.PHASED);
            }
            rebuild[r] = rebuild(members, spare, ArrayOptions.Ordering.LINKED);
            if (!phasedFirst) {
                phased[r] = rebuild(members, spare, ArrayOptions.Ordering.PHASED);
            }
            System.out.printf("round %d: spare sequential write %.0f MB/s, raw copy member->spare %.0f MB/s, idle rebuild"
                    + " linked %.0f MB/s (%.0f%% of the write, %.0f%% of the copy), phased %.0f MB/s%n", r + 1, seq[r],
                    copy[r], rebuild[r], 100 * rebuild[r] / seq[r], 100 * rebuild[r] / copy[r], phased[r]);
        }
        double s = RedundancyBench.median(seq);
        double c = RedundancyBench.median(copy);
        double b = RedundancyBench.median(rebuild);
        double p = RedundancyBench.median(phased);
        System.out.printf("idle rebuild (linked windows) median %.0f MB/s vs the spare's sequential write (1 MiB, QD4)"
                + " median %.0f MB/s (%.0f%%) and a raw copy member->spare (1 MiB, 4 in flight) median %.0f MB/s"
                + " (%.0f%%); phased windows median %.0f MB/s (linked / phased %.2f)%n", b, s, 100 * b / s, c,
                100 * b / c, p, b / p);
    }

    /**
     * MB/s of the plainest copy of the first 256 MiB (or less) of {@code src} onto {@code dst}:
     * 1 MiB reads, each followed by its write, four in flight, fsync included. What a rebuild
     * would reach with no array, gates or bookkeeping.
     */
    static double rawCopy(Path src, Path dst) throws Exception {
        final int slots = 4;
        final int mib = 1 << 20;
        try (IoEngine e = engine(); BlockDevice from = e.open(src, OpenOptions.DEFAULT);
             BlockDevice to = e.open(dst, OpenOptions.DEFAULT); NativeBuffer buf = NativeBuffer.allocate(slots * mib)) {
            long bytes = Math.min(256L << 20, Math.min(from.size(), to.size()) / mib * mib);
            long[] at = new long[slots];
            long next = 0;
            long[] written = {0};
            long t0 = System.nanoTime();
            for (int k = 0; k < slots && next < bytes; k++, next += mib) {
                at[k] = next;
                e.prepRead(from, next, buf.address() + (long) k * mib, mib, (long) k << 1, 0);
            }
            long[] pending = {next};
            while (written[0] < bytes) {
                e.reap(1, (ud, res) -> {
                    int k = (int) (ud >>> 1);
                    if (res != mib) {
                        throw new IllegalStateException("copy leg failed: " + res);
                    }
                    if ((ud & 1) == 0) { // read done: write it
                        e.prepWrite(to, at[k], buf.address() + (long) k * mib, mib, ud | 1, 0);
                    } else {
                        written[0] += mib;
                        if (pending[0] < bytes) {
                            at[k] = pending[0];
                            e.prepRead(from, pending[0], buf.address() + (long) k * mib, mib, (long) k << 1, 0);
                            pending[0] += mib;
                        }
                    }
                });
            }
            SyncIo.fsync(e, to);
            return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    /** MB/s of one rebuild of role 1 onto {@code spare} on an idle raid1 (throttle limits out of reach). */
    private static double rebuild(List<Path> members, Path spare, ArrayOptions.Ordering ordering) throws Exception {
        try (IoEngine e = engine()) {
            ArrayCreator.create(new CreateSpec("bench", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, members,
                    true, true, CreateSpec.BitmapMode.INTERNAL, 0), e);
        }
        RedundancyOptions fast = RedundancyOptions.DEFAULT.withSyncSpeed(1L << 20, 100L << 30);
        AssembleOptions opts = new AssembleOptions(false, ArrayOptions.DEFAULT.withOrdering(ordering), fast);
        try (OpenArray open = Assembler.assemble(members, opts, engine());
             IoEngine prep = engine()) {
            open.addSpare(spare, prep, true);
            open.array().fail(1);
            while (open.redundancy().syncStatus().lastAction() != SyncAction.RECOVER
                    || open.redundancy().syncStatus().running()) {
                Thread.sleep(2);
            }
            SyncStatus s = open.redundancy().syncStatus();
            return s.bytesPerSecond() / 1e6;
        }
    }

    /** MB/s of 1 MiB sequential writes over the first 256 MiB (or less) of the device, QD4, fsync included. */
    static double sequentialWrite(Path dev) throws Exception {
        try (IoEngine e = engine(); BlockDevice d = e.open(dev, OpenOptions.DEFAULT);
             NativeBuffer buf = NativeBuffer.allocate(1 << 20)) {
            long bytes = Math.min(256L << 20, d.size() / (1 << 20) * (1 << 20));
            long t0 = System.nanoTime();
            int inFlight = 0;
            long issued = 0;
            long[] completed = {0};
            while (completed[0] < bytes) {
                while (inFlight < 4 && issued < bytes) {
                    e.prepWrite(d, issued, buf.address(), 1 << 20, issued, 0);
                    issued += 1 << 20;
                    inFlight++;
                }
                int n = e.reap(1, (ud, res) -> completed[0] += 1 << 20);
                inFlight -= n;
            }
            SyncIo.fsync(e, d);
            return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    static IoEngine engine() throws java.io.IOException {
        String why = IoUringEngine.probe();
        if (why != null) {
            throw new IllegalStateException("io_uring unavailable: " + why);
        }
        return new IoUringEngine(256);
    }
}
