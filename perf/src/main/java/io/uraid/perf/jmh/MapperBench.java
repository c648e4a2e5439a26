package io.uraid.perf.jmh;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The layout arithmetic every request pays: boundary, member and member offset of one 4 KiB
 * piece at a pseudo-random array offset, for each level's mapper.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MapperBench {
    @Param({"raid0", "raid1", "raid10", "linear"})
    public String level;

    private Layout layout;
    private long blocks;
    private long x = 0x9E3779B97F4A7C15L;

    @Setup
    public void setUp() {
        var l = LevelRegistry.byName(level);
        int disks = level.equals("raid1") ? 2 : 4;
        int mdLevel = l.mdLevel();
        layout = l.layout(Geometry.uniform(mdLevel, l.defaultLayout(), mdLevel == 1 ? 0 : 512 * 1024, disks, 1L << 36));
        blocks = layout.arraySize() / 4096;
    }

    @Benchmark
    public long map4k() {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        long offset = ((x >>> 1) % blocks) * 4096;
        long piece = Math.min(4096, layout.bytesToBoundary(offset));
        long sum = piece;
        for (int copy = 0; copy < layout.copies(); copy++) {
            sum += layout.member(offset, copy) + layout.memberOffset(offset, copy);
        }
        return sum;
    }
}
