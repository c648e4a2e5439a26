package io.uraid.perf.jmh;

import io.uraid.io.NativeBuffer;
import io.uraid.levels.parity.Raid6Recovery;
import io.uraid.levels.parity.Syndrome;
import io.uraid.levels.parity.Xor;
import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parity kernels on one core over native memory, four data members of {@code bytes} each
 * (a stripe unit of 4 KiB, a 64 KiB chunk, a 512 KiB chunk). Throughput is data bytes per
 * second: 4 × bytes divided by the time per operation (JMH reports ns/op). Targets of issue
 * 13: xor ≥ 10 GB/s, pq ≥ 4 GB/s, without the Vector API.
 *
 * <ul>
 * <li>{@code xor}: P of four members (raid5 full-stripe write);</li>
 * <li>{@code pq}: P and Q of four members (raid6 full-stripe write);</li>
 * <li>{@code pqUpdateOne}: raid6 read-modify-write of one member (P ^= Δ, Q ^= g^k·Δ);</li>
 * <li>{@code recoverTwoData}: two lost data members rebuilt from the rest, P and Q.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class ParityBench {
    static final int DATA = 4;

    @Param({"4096", "65536", "524288"})
    public int bytes;

    private final NativeBuffer[] data = new NativeBuffer[DATA];
    private final long[] slots = new long[DATA];
    private NativeBuffer p;
    private NativeBuffer q;
    private NativeBuffer old;
    private NativeBuffer lostX;
    private NativeBuffer lostY;
    private final long[] recovery = new long[DATA];
    private final int[] changed = {2};
    private final long[] olds = new long[1];
    private final long[] news = new long[1];

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        byte[] b = new byte[bytes];
        for (int i = 0; i < DATA; i++) {
            data[i] = NativeBuffer.allocate(bytes);
            rnd.nextBytes(b);
            data[i].view().put(b);
            slots[i] = data[i].address();
        }
        p = NativeBuffer.allocate(bytes);
        q = NativeBuffer.allocate(bytes);
        old = NativeBuffer.allocate(bytes);
        lostX = NativeBuffer.allocate(bytes);
        lostY = NativeBuffer.allocate(bytes);
        Syndrome.generate(slots, DATA, p.address(), q.address(), bytes);
        System.arraycopy(slots, 0, recovery, 0, DATA);
        recovery[1] = lostX.address();
        recovery[3] = lostY.address();
        olds[0] = old.address();
        news[0] = data[2].address();
    }

    @TearDown
    public void tearDown() {
        for (NativeBuffer d : data) {
            d.close();
        }
        p.close();
        q.close();
        old.close();
        lostX.close();
        lostY.close();
    }

    @Benchmark
    public long xor() {
        Xor.xor(p.address(), slots, DATA, bytes);
        return p.address();
    }

    @Benchmark
    public long pq() {
        Syndrome.generate(slots, DATA, p.address(), q.address(), bytes);
        return q.address();
    }

    @Benchmark
    public long pqUpdateOne() {
        Syndrome.update(p.address(), q.address(), changed, olds, news, 1, bytes);
        return q.address();
    }

    @Benchmark
    public long recoverTwoData() {
        Raid6Recovery.dataData(recovery, DATA, 1, 3, p.address(), q.address(), bytes);
        return lostX.address();
    }
}
