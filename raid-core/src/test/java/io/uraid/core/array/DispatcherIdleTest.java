package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.MemberFiles;
import io.uraid.io.testing.SqueezeEngine;
import io.uraid.core.fixture.TwinLevel;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.uring.IoUringEngine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Under a backlog the dispatcher can do nothing until a leg completes: it must then sleep in the
 * engine until one does, not loop. Slow members (every completion delayed 20 ms) and a backlog
 * the array cannot take at once; the number of engine reaps must stay near the number of
 * completions (a dispatcher that spins reaps millions of times in the same half second).
 */
@Timeout(60)
class DispatcherIdleTest {
    private static final int WRITES = 32;
    private static final long LATENCY_NANOS = 20_000_000;

    @Test
    void sleepsWhileEveryPooledRequestIsInFlight() throws Exception {
        // Four pooled requests, 32 waiting in the ring.
        long reaps = reapsForBacklog(ArrayOptions.DEFAULT.withRingSize(4).withIdle(ArrayOptions.Idle.BLOCK), 64);
        assertTrue(reaps < 20L * WRITES, "the dispatcher spun while the request pool was exhausted: " + reaps
                + " reaps for " + WRITES + " writes");
    }

    @Test
    void sleepsWhileRequestsWaitForEngineRoom() throws Exception {
        // Room for one two-copy write at a time: the rest wait (stalled) for legs to complete.
        long reaps = reapsForBacklog(ArrayOptions.DEFAULT.withIdle(ArrayOptions.Idle.BLOCK), 2);
        assertTrue(reaps < 20L * WRITES, "the dispatcher spun while requests waited for engine room: " + reaps
                + " reaps for " + WRITES + " writes");
    }

    private static long reapsForBacklog(ArrayOptions options, int legs) throws Exception {
        String why = IoUringEngine.probe();
        Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        try (MemberFiles files = new MemberFiles("idle", 2, 4L << 20);
             NativeBuffer buf = NativeBuffer.allocate(4096)) {
            FaultyEngine slow = new FaultyEngine(new IoUringEngine(64), 64);
            slow.latencyNanos(LATENCY_NANOS);
            SqueezeEngine counted = new SqueezeEngine(slow);
            RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, counted, files.paths, 4L << 20,
                    FixtureArrays.inSync(2), legs, options, null);
            try {
                array.start();
                CountDownLatch done = new CountDownLatch(WRITES);
                AtomicInteger failed = new AtomicInteger();
                long before = counted.reaps();
                for (int i = 0; i < WRITES; i++) {
                    array.write(i * 4096L, 4096, buf.address(), 0, (tag, result) -> {
                        if (result != 0) {
                            failed.incrementAndGet();
                        }
                        done.countDown();
                    }, i);
                }
                assertTrue(done.await(30, TimeUnit.SECONDS), "writes did not complete");
                assertEquals(0, failed.get());
                return counted.reaps() - before;
            } finally {
                array.close();
                for (Member m : array.members()) {
                    m.device().close();
                }
                counted.close();
            }
        }
    }
}
