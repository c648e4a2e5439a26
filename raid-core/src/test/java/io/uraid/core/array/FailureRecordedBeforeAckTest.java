package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.RecordingSuperblocks;
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
 * A write acknowledged after one of its legs failed must be acknowledged only once the
 * surviving superblocks record the failed member, whatever that member was doing: a member being
 * rebuilt records its progress in its superblock, so if its failure were not recorded first, a
 * crash right after the acknowledgement would bring it back as rebuilt up to its checkpoint,
 * with a hole where the acknowledged write should be.
 */
@Timeout(30)
class FailureRecordedBeforeAckTest {

    @Test
    void writeFailingOnAMemberBeingRebuiltIsAcknowledgedAfterTheSuperblocksSayFaulty() throws Exception {
        Path[] paths = {FixtureArrays.disk("rec", 0), FixtureArrays.disk("rec", 1)};
        FaultyEngine engine = new FaultyEngine(FixtureArrays.memoryDisks("rec", 2, 4L << 20, 64), 64);
        RecordingSuperblocks superblocks = new RecordingSuperblocks();
        MemberState[] states = {MemberState.IN_SYNC, MemberState.REBUILDING};
        RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, engine, paths, 4L << 20, states, 64,
                ArrayOptions.DEFAULT, superblocks);
        try (NativeBuffer buf = NativeBuffer.allocate(4096)) {
            array.start();
            engine.add(FaultRule.on(paths[1]).writes().range(FixtureArrays.DATA_OFFSET, 1L << 30));
            CompletableFuture<Boolean> recordedAtAck = new CompletableFuture<>();
            CompletableFuture<Integer> result = new CompletableFuture<>();
            array.write(0, 4096, buf.address(), 0, (tag, r) -> {
                // Runs on the dispatcher, where the updater completes: what it wrote is durable now.
                recordedAtAck.complete(superblocks.recorded(1, MemberState.FAULTY) && array.metadataUpdates() >= 2);
                result.complete(r);
            }, 0);
            assertEquals(0, result.get(10, TimeUnit.SECONDS), "the write is absorbed: member 0 holds it");
            assertEquals(MemberState.FAULTY, array.members()[1].state());
            assertTrue(recordedAtAck.get(), "acknowledged before a superblock update recorded the failed member");
        } finally {
            array.close();
            for (Member m : array.members()) {
                m.device().close();
            }
            engine.close();
        }
    }
}
