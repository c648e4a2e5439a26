package io.uraid.io.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.EngineKind;
import io.uraid.io.NativeBuffer;
import io.uraid.io.engines.EngineHarness.Setup;
import io.uraid.io.engines.EngineHarness.Target;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hot path (prep, submit, reap, completion delivery) allocates nothing per operation: after
 * a warm-up, 100,000 reads and writes at depth 32 may allocate only a few KiB on the issuer
 * thread in total (a JIT deoptimisation or a lazily built object, never something per op).
 */
public class EngineAllocationTest {
    private static final int DEPTH = 32;
    private static final int OPS = 100_000;
    /** 100k ops allocating even 8 bytes each would be 800 KB; this bound catches that. */
    private static final long BOUND = 16 * 1024;

    @ParameterizedTest
    @EnumSource(value = EngineKind.class, names = {"IO_URING", "LIBAIO"})
    void hundredThousandOperationsAllocateNothing(EngineKind kind) throws IOException {
        com.sun.management.ThreadMXBean mx = threadMx();
        try (Setup s = Setup.open(kind, Target.FILE, 64); NativeBuffer buf = NativeBuffer.allocate(DEPTH * 4096)) {
            s.engine.registerBuffers(buf);
            DepthDriver d = new DepthDriver(s.engine, s.dev, buf, DEPTH, EngineHarness.SIZE);
            d.run(OPS); // warm-up: the JIT compiles the loop
            long before = mx.getCurrentThreadAllocatedBytes();
            d.run(OPS);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, d.errors(), "operations failed");
            assertTrue(allocated < BOUND, kind + ": " + allocated + " bytes allocated over " + OPS + " operations ("
                    + (double) allocated / OPS + " per op)");
        }
    }

    /** The JVM's per-thread allocation counters, enabled; the test skips where there are none. */
    public static com.sun.management.ThreadMXBean threadMx() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "JVM without per-thread allocation counters");
        com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(sun.isThreadAllocatedMemorySupported(), "thread allocated memory unsupported");
        sun.setThreadAllocatedMemoryEnabled(true);
        return sun;
    }
}
