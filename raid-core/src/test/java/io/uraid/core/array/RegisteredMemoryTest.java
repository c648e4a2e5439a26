package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.MemberFiles;
import io.uraid.core.fixture.TwinLevel;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.ForwardingEngine;
import io.uraid.io.uring.IoUringEngine;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller's payload memory registered with the array goes to the engine as fixed buffers: legs
 * on it go out as READ_FIXED/WRITE_FIXED (counted by the array and by the engine), also when it is
 * registered while requests are in flight; when the engine cannot register, the same I/O goes
 * out plain.
 */
@Timeout(60)
class RegisteredMemoryTest {

    @Test
    void legsOnRegisteredMemoryGoOutFixedAndOthersDoNot() throws Exception {
        String why = IoUringEngine.probe();
        Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        try (MemberFiles files = new MemberFiles("fixed", 2, 8L << 20);
             NativeBuffer pool = NativeBuffer.allocate(1 << 20);
             NativeBuffer other = NativeBuffer.allocate(1 << 20)) {
            IoUringEngine engine = new IoUringEngine(64);
            RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, engine, files.paths, 8L << 20,
                    FixtureArrays.inSync(2), 64, ArrayOptions.DEFAULT, null);
            try {
                array.start();
                fill(pool, 1);
                BlockingIo.write(array, 0, 1 << 20, pool.address(), 0); // before registration: plain
                assertEquals(0, array.fixedLegs());
                long plain = array.dataLegs();

                CountDownLatch done = new CountDownLatch(64);
                AtomicInteger failed = new AtomicInteger();
                for (int i = 0; i < 64; i++) { // in flight while the registration waits for an idle ring
                    array.write((1 << 20) + i * 4096L, 4096, other.address() + i * 4096L, 0, (t, r) -> {
                        if (r != 0) {
                            failed.incrementAndGet();
                        }
                        done.countDown();
                    }, i);
                }
                assertTrue(array.registerMemory(pool), "io_uring registers the pool");
                assertTrue(done.await(30, TimeUnit.SECONDS));
                assertEquals(0, failed.get());
                long before = array.dataLegs();
                long engineFixed = engine.fixedBufferOps();
                BlockingIo.write(array, 2L << 20, 1 << 20, pool.address(), 0);
                BlockingIo.read(array, 2L << 20, 1 << 20, pool.address());
                long legs = array.dataLegs() - before;
                assertTrue(legs >= 4, "writes to two copies and a read: " + legs);
                assertEquals(legs, array.fixedLegs(), "every leg on the pool was fixed");
                assertEquals(legs, engine.fixedBufferOps() - engineFixed, "and the engine sent them as *_FIXED");
                BlockingIo.read(array, 0, 4096, other.address());
                assertEquals(legs, array.fixedLegs(), "a buffer outside registered memory goes out plain");
                assertTrue(plain > 0);
            } finally {
                close(array, engine);
            }
        }
    }

    @Test
    void withoutFixedBuffersTheSameIoGoesOutPlain() throws Exception {
        String why = IoUringEngine.probe();
        Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        try (MemberFiles files = new MemberFiles("nofixed", 2, 8L << 20);
             NativeBuffer pool = NativeBuffer.allocate(1 << 20)) {
            IoEngine engine = new ForwardingEngine(new IoUringEngine(64)) {
                @Override
                public boolean registerBuffers(List<NativeBuffer> regions) {
                    return false; // as a kernel refusing them (RLIMIT_MEMLOCK) leaves it
                }
            };
            RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, engine, files.paths, 8L << 20,
                    FixtureArrays.inSync(2), 64, ArrayOptions.DEFAULT, null);
            try {
                array.start();
                assertFalse(array.registerMemory(pool));
                fill(pool, 9);
                byte[] want = new byte[1 << 20];
                pool.view().get(want);
                BlockingIo.write(array, 0, 1 << 20, pool.address(), 0);
                fill(pool, 0);
                BlockingIo.read(array, 0, 1 << 20, pool.address());
                byte[] got = new byte[1 << 20];
                pool.view().get(got);
                assertArrayEquals(want, got);
                assertEquals(0, array.fixedLegs());
                assertTrue(array.dataLegs() > 0);
            } finally {
                close(array, engine);
            }
        }
    }

    private static void fill(NativeBuffer b, int seed) {
        for (int i = 0; i < b.capacity(); i += 8) {
            b.view().putLong(i, seed * 0x9E3779B97F4A7C15L + i);
        }
    }

    private static void close(RaidArray array, IoEngine engine) throws Exception {
        array.close();
        for (Member m : array.members()) {
            m.device().close();
        }
        engine.close();
    }
}
