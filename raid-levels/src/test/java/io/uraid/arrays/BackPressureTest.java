package io.uraid.arrays;

import static io.uraid.arrays.ArrayEndToEndTest.verifyThroughArray;
import static io.uraid.arrays.ArrayEndToEndTest.writeRandomly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.MemoryEngine;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An engine with room for only a few operations and slow completions: requests must wait for
 * room and resume where they stopped (never lose or duplicate a leg), also while a member fails.
 */
@Timeout(120)
class BackPressureTest {

    @ParameterizedTest(name = "{0} x{1}, engine depth {2}, member fails: {3}")
    @CsvSource({"raid0,3,4,false", "raid10,4,4,false", "raid10,4,8,true", "raid1,3,3,true"})
    void requestsLargerThanTheEngineCompleteIntact(String level, int disks, int depth, boolean fail)
            throws Exception {
        Backend.Memory members = new Backend.Memory("bp", disks, 8L << 20);
        try (IoEngine e = members.engine()) {
            ArrayCreator.create(new CreateSpec("bp", "testhost", LevelRegistry.byName(level), disks, 16 * 1024, -1,
                    members.paths, false, true), e);
        }
        MemoryEngine small = new MemoryEngine(depth);
        for (int i = 0; i < disks; i++) {
            small.attach(members.paths.get(i), members.disks.get(i));
        }
        FaultyEngine slow = new FaultyEngine(small, depth);
        slow.latencyNanos(50_000);
        FaultRule rule = fail ? slow.add(FaultRule.on(members.paths.get(1)).writes().afterOps(20)) : null;
        try (OpenArray open = Assembler.assemble(members.paths, AssembleOptions.DEFAULT, slow)) {
            byte[] reference = new byte[(int) open.array().size()];
            AtomicInteger acked = new AtomicInteger();
            // Writes of up to 64 blocks cross several 16K chunks: more legs than the engine holds.
            writeRandomly(open.array(), reference, 4, 25, 5, acked);
            assertEquals(100, acked.get());
            verifyThroughArray(open.array(), reference);
            if (fail) {
                assertTrue(rule.injected() > 0);
                assertEquals(MemberState.FAULTY, open.member(1).state());
            }
        }
    }
}
