package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.array.MemberState;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.SqueezeEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * The mirror strategy's read retry: a read failing on one copy is served from another, the bad
 * copy is rewritten from the good bytes, and when the engine is full at the moment of the retry
 * the retry waits for room (the request never hangs).
 */
@Timeout(60)
class MirrorReadRetryTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raid1", "raid10"})
    void readFailingOnOneCopyIsServedFromAnotherEvenWhenTheEngineIsFullAtTheRetry(String level) throws Exception {
        MemoryMembers mm = new MemoryMembers("retry-" + level, 2, 12L * MIB);
        mm.create(level, 2, BitmapMode.NONE, 0);
        FaultyEngine faults = new FaultyEngine(mm.engine(), Assembler.ENGINE_ENTRIES);
        SqueezeEngine engine = new SqueezeEngine(faults);
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), engine)) {
            byte[] data = Redundant.pattern(1 << 20, 64 * 1024, 5);
            Redundant.write(open.array(), 1 << 20, data);
            long at = open.member(0).dataOffset() + (1 << 20);
            FaultRule bad = faults.add(FaultRule.on(mm.paths.get(0)).reads().range(at, 64 * 1024));
            engine.squeezeInReap(1);
            for (int i = 0; i < 4; i++) { // the least busy copy alternates: some reads start on copy 0
                assertArrayEquals(data, Redundant.read(open.array(), 1 << 20, data.length));
            }
            assertTrue(bad.injected() > 0, "copy 0 was tried and failed");
            assertEquals(1, engine.squeezed(), "a retry met a full engine");
            assertEquals(MemberState.IN_SYNC, open.member(0).state(), "a corrected read error does not fail the member");
            assertTrue(open.member(0).readErrors() > 0);
        }
    }
}
