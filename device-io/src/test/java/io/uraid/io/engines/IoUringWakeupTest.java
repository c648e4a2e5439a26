package io.uraid.io.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.EngineKind;
import io.uraid.io.NativeBuffer;
import io.uraid.io.engines.EngineHarness.Setup;
import io.uraid.io.engines.EngineHarness.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The io_uring engine's wake-up: an issuer blocked in the kernel (idle, or waiting for I/O)
 * returns when another thread calls wakeup(), and the wake read never reaches the caller.
 */
class IoUringWakeupTest {

    @Test
    void idleReapBlocksUntilWokenAndDeliversNothing() throws Exception {
        EngineHarness.assumeEngine(EngineKind.IO_URING);
        try (Setup s = Setup.open(EngineKind.IO_URING, Target.FILE, 64)) {
            assertTrue(s.engine.supportsWakeup());
            AtomicInteger seen = new AtomicInteger();
            for (int round = 0; round < 3; round++) {
                CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(
                        () -> s.engine.reap(1, (u, r) -> seen.incrementAndGet()));
                Thread.sleep(100);
                assertTrue(!blocked.isDone(), "an idle reap(1) must block until woken (round " + round + ")");
                s.engine.wakeup();
                assertEquals(0, blocked.get(10, TimeUnit.SECONDS), "woken reap delivers nothing");
            }
            assertEquals(0, seen.get(), "the wake read is the engine's own, never the caller's");
            assertEquals(0, s.engine.inFlight());
        }
    }

    @Test
    void realCompletionsStillArriveAfterWakeups() throws Exception {
        EngineHarness.assumeEngine(EngineKind.IO_URING);
        try (Setup s = Setup.open(EngineKind.IO_URING, Target.FILE, 64);
             NativeBuffer buf = NativeBuffer.allocate(4096, 4096)) {
            s.engine.wakeup(); // a wake-up nobody waits for is absorbed by the next idle wait
            assertEquals(0, s.engine.reap(1, (u, r) -> { }));
            AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
            AtomicInteger user = new AtomicInteger();
            assertTrue(s.engine.prepRead(s.dev, 8192, buf.address(), 4096, 77, 0));
            int n = 0;
            while (n == 0) {
                n = s.engine.reap(1, (u, r) -> {
                    user.set((int) u);
                    result.set(r);
                });
            }
            assertEquals(1, n);
            assertEquals(77, user.get());
            assertEquals(4096, result.get());
            assertEquals(0, s.engine.inFlight());
        }
    }
}
