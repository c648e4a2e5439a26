package io.uraid.perf.bench;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.assembly.ArrayClaim;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.ForeignSignatures;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The things a bench can measure, each opened afresh for every round (so rounds are
 * independent and the array and its raw members never hold the devices at the same time).
 */
public final class Targets {
    /** Legs/requests in flight per engine: the arrays' own figure, for both sides. */
    public static final int ENGINE_ENTRIES = Assembler.ENGINE_ENTRIES;

    private Targets() {
    }

    /** Opens a target for one round. */
    public interface Factory {
        String label();

        Opened open() throws IOException;
    }

    /** An open target and what must be closed after the round. */
    public record Opened(BlockTarget target, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owner.close();
        }
    }

    /**
     * Where an array keeps its data on each member, in role order.
     *
     * @param paths      member paths by role
     * @param starts     data offset on each member (bytes)
     * @param lengths    data bytes on each member
     * @param chunkBytes the array's chunk (0 for mirrors)
     */
    public record Regions(List<Path> paths, long[] starts, long[] lengths, int chunkBytes) {
    }

    /**
     * Creates a scratch array on {@code devices} (md v1.2, like {@code uraid create}); mirrors are
     * created clean (no initial sync: the bench reads only what it wrote, or does not verify).
     * Refuses devices with foreign superblocks or file systems unless {@code force}.
     */
    public static void createScratch(RaidLevel level, int chunkBytes, List<Path> devices, boolean force)
            throws IOException {
        CreateSpec spec = new CreateSpec("bench", "uraid-bench", level, devices.size(), chunkBytes, -1, devices, force,
                true);
        try (IoEngine engine = IoEngines.openBest(64)) {
            ArrayCreator.create(spec, engine);
        }
    }

    /** The array on {@code devices}, assembled for each round. */
    public static Factory array(List<Path> devices) {
        return array(devices, -1, ArrayOptions.DEFAULT);
    }

    /**
     * The array on {@code devices}, assembled for each round; with {@code failRole} &gt;= 0
     * assembled read-only and that member failed before the round (a degraded array for read
     * workloads, whose failure is never written to the members), with {@code options} (the
     * stripe cache's size, say).
     */
    public static Factory array(List<Path> devices, int failRole, ArrayOptions options) {
        return new Factory() {
            @Override
            public String label() {
                return "array";
            }

            @Override
            public Opened open() throws IOException {
                OpenArray a = Assembler.assemble(devices,
                        AssembleOptions.DEFAULT.withOptions(options).withReadOnly(failRole >= 0),
                        IoEngines.openBest(ENGINE_ENTRIES));
                if (failRole >= 0 && !a.array().fail(failRole)) {
                    a.close();
                    throw new IOException("role " + failRole + " cannot fail: the array would stop serving");
                }
                return new Opened(a.array(), a);
            }
        };
    }

    /** Assembles once to learn where the array's data lies on each member. */
    public static Regions regions(List<Path> devices) throws IOException {
        try (OpenArray a = Assembler.assemble(devices, AssembleOptions.DEFAULT, IoEngines.openBest(64))) {
            int n = a.array().geometry().raidDisks();
            List<Path> paths = new ArrayList<>();
            long[] starts = new long[n];
            long[] lengths = new long[n];
            for (int role = 0; role < n; role++) {
                var m = a.member(role);
                if (m.device() == null) {
                    throw new IOException("role " + role + " is missing; the raw baseline needs every member");
                }
                paths.add(m.device().path());
                starts[role] = m.dataOffset();
                lengths[role] = a.array().geometry().memberBytes(role);
            }
            return new Regions(paths, starts, lengths, a.array().geometry().chunkBytes());
        }
    }

    /** The members' data regions driven directly, requests spread in units of {@code unit}. */
    public static Factory raw(Regions regions, long unit) {
        return new Factory() {
            @Override
            public String label() {
                return "raw";
            }

            @Override
            public Opened open() throws IOException {
                return openRaw(regions.paths(), regions.starts(), regions.lengths(), unit);
            }
        };
    }

    /**
     * Whole devices driven directly. When the workload writes, devices that carry a superblock,
     * file system or partition table are refused unless {@code force}.
     */
    public static Factory rawDevices(List<Path> devices, long unit, boolean writes, boolean force) {
        return new Factory() {
            private boolean checked;

            @Override
            public String label() {
                return "raw";
            }

            @Override
            public Opened open() throws IOException {
                if (writes && !force && !checked) {
                    refuseForeign(devices);
                }
                checked = true;
                return openRaw(devices, new long[devices.size()], null, unit);
            }
        };
    }

    /** The size of the smallest of {@code devices} in bytes. */
    public static long smallestSize(List<Path> devices) throws IOException {
        long min = Long.MAX_VALUE;
        try (IoEngine engine = IoEngines.openBest(8)) {
            for (Path p : devices) {
                try (BlockDevice d = ArrayClaim.open(engine, p, OpenOptions.DEFAULT)) {
                    min = Math.min(min, d.size());
                }
            }
        }
        return min;
    }

    private static Opened openRaw(List<Path> paths, long[] starts, long[] lengths, long unit) throws IOException {
        IoEngine engine = IoEngines.openBest(ENGINE_ENTRIES);
        List<RawTarget.Region> regions = new ArrayList<>();
        try {
            for (int i = 0; i < paths.size(); i++) {
                BlockDevice d = ArrayClaim.open(engine, paths.get(i), OpenOptions.DEFAULT);
                regions.add(new RawTarget.Region(d, starts[i], lengths == null ? d.size() : lengths[i]));
            }
            RawTarget t = new RawTarget(engine, regions, unit, ENGINE_ENTRIES);
            return new Opened(t, t);
        } catch (IOException | RuntimeException e) {
            for (RawTarget.Region r : regions) {
                r.device().close();
            }
            engine.close();
            throw e;
        }
    }

    private static void refuseForeign(List<Path> devices) throws IOException {
        try (IoEngine engine = IoEngines.openBest(64)) {
            for (Path p : devices) {
                try (BlockDevice d = ArrayClaim.open(engine, p, OpenOptions.DEFAULT)) {
                    String found = foreign(engine, d);
                    if (found != null) {
                        throw new IOException(p + " holds " + found + "; refusing to write to it (use --force)");
                    }
                }
            }
        }
    }

    private static String foreign(IoEngine engine, BlockDevice d) throws IOException {
        int block = 4096;
        long usable = d.size() / block * block;
        int headLen = (int) Math.min(ForeignSignatures.HEAD_BYTES, usable);
        int tailLen = (int) Math.min(ForeignSignatures.TAIL_BYTES, usable);
        try (NativeBuffer head = NativeBuffer.allocate(Math.max(block, headLen));
             NativeBuffer tail = NativeBuffer.allocate(Math.max(block, tailLen))) {
            if (headLen > 0) {
                SyncIo.read(engine, d, 0, head.address(), headLen);
                SyncIo.read(engine, d, usable - tailLen, tail.address(), tailLen);
            }
            return ForeignSignatures.detect(head.view(0, headLen), tail.view(0, tailLen), usable);
        }
    }
}
