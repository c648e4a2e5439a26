package io.uraid.perf.jmh;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request ring alone, as the array uses it: a multi-producer Disruptor ring of
 * preallocated slots, published one request at a time and taken in batches by a poller
 * (one thread plays both sides, so this is the ring's own cost without cross-core traffic).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBench {
    static final int BATCH = 64;

    static final class Slot {
        long offset;
        long address;
        int length;
    }

    private RingBuffer<Slot> ring;
    private EventPoller<Slot> poller;
    private long sum;
    private final EventPoller.Handler<Slot> take = (s, seq, end) -> {
        sum += s.offset + s.length;
        return true;
    };

    @Setup
    public void setUp() {
        ring = RingBuffer.createMultiProducer(Slot::new, 1024);
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndPoll() throws Exception {
        for (int i = 0; i < BATCH; i++) {
            long seq = ring.next();
            Slot s = ring.get(seq);
            s.offset = seq * 4096;
            s.length = 4096;
            s.address = seq;
            ring.publish(seq);
        }
        poller.poll(take);
        return sum;
    }
}
