package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.io.testing.SqueezeEngine;
import io.uraid.core.fixture.TwinLevel;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A read that fails on one copy is retried on another; when the engine has no room for the
 * retry at that moment, the retry waits for room instead of being dropped (a dropped retry left
 * the request waiting forever for a leg that was never issued).
 */
@Timeout(30)
class ReadRetryTest {

    @Test
    void readRetriedWhileTheEngineIsFullCompletesWithTheOtherCopysBytes() throws Exception {
        Path[] paths = {FixtureArrays.disk("retry", 0), FixtureArrays.disk("retry", 1)};
        FaultyEngine faults = new FaultyEngine(FixtureArrays.memoryDisks("retry", 2, 4L << 20, 64), 64);
        SqueezeEngine engine = new SqueezeEngine(faults);
        RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, engine, paths, 4L << 20,
                FixtureArrays.inSync(2), 64, ArrayOptions.DEFAULT, null);
        try (NativeBuffer out = NativeBuffer.allocate(8192); NativeBuffer in = NativeBuffer.allocate(8192)) {
            array.start();
            for (int i = 0; i < 8192; i++) {
                out.view().put(i, (byte) (i * 7 + 1));
            }
            BlockingIo.write(array, 65536, 8192, out.address(), 0);
            FaultRule bad = faults.add(FaultRule.on(paths[0]).reads());
            engine.squeezeInReap(1); // the retry, prepared while the failed read is reaped, finds no room
            CompletableFuture<Integer> result = new CompletableFuture<>();
            array.read(65536, 8192, in.address(), (tag, r) -> result.complete(r), 0);
            assertEquals(0, result.get(10, TimeUnit.SECONDS), "the read completes from the other copy");
            assertTrue(bad.injected() > 0, "the first copy was tried and failed");
            assertEquals(1, engine.squeezed(), "the retry met a full engine");
            assertEquals(-1, in.view().mismatch(out.view()), "the bytes are the other copy's");
        } finally {
            array.close();
            for (Member m : array.members()) {
                m.device().close();
            }
            engine.close();
        }
    }
}
