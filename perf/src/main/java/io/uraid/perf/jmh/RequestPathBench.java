package io.uraid.perf.jmh;

import io.uraid.core.api.IoCallback;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.NativeBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The array's own request path with I/O taken out ({@link InstantEngine}): a producer publishes
 * {@value #BATCH} requests into the Disruptor ring, the dispatcher maps them into legs and
 * issues them, and each completes once after its last leg. Reads of raid0 are one leg; writes
 * of raid1 are two legs counted down to one completion; raid10 writes cross a chunk boundary
 * half the time. Reported per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestPathBench {
    static final int BATCH = 64;

    @Param({"raid0-read", "raid1-write", "raid10-write"})
    public String path;

    private RaidArray array;
    private NativeBuffer buffer;
    private final AtomicInteger done = new AtomicInteger();
    private final IoCallback callback = (tag, result) -> done.incrementAndGet();
    private boolean write;
    private int length;
    private long span;
    private long x = 1;

    @Setup(Level.Trial)
    public void setUp() {
        String levelName = path.substring(0, path.indexOf('-'));
        write = path.endsWith("write");
        RaidLevel level = LevelRegistry.byName(levelName);
        int disks = levelName.equals("raid1") ? 2 : 4;
        long memberBytes = 1L << 34;
        Geometry g = Geometry.uniform(level.mdLevel(), level.defaultLayout(), level.mdLevel() == 1 ? 0 : 64 * 1024,
                disks, memberBytes);
        Member[] members = new Member[disks];
        for (int i = 0; i < disks; i++) {
            members[i] = new Member(i, InstantEngine.device("m" + i, memberBytes), 0, MemberState.IN_SYNC);
        }
        array = new RaidArray("jmh", level, g, members, new InstantEngine(1024), 1024,
                ArrayOptions.DEFAULT.withIdle(ArrayOptions.Idle.BUSY_SPIN), null, 0).start();
        length = levelName.equals("raid10") ? 8192 : 4096;
        span = array.size() / 4096 - 2;
        buffer = NativeBuffer.allocate(8192);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        array.close();
        buffer.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batch() {
        done.set(0);
        for (int i = 0; i < BATCH; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            long offset = ((x >>> 1) % span) * 4096;
            if (write) {
                array.write(offset, length, buffer.address(), 0, callback, i);
            } else {
                array.read(offset, length, buffer.address(), callback, i);
            }
        }
        while (done.get() < BATCH) {
            Thread.onSpinWait();
        }
        return done.get();
    }
}
