package io.uraid.io.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.CompletionHandler;
import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.BlockDevice;
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
class EngineAllocationTest {
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
            Driver d = new Driver(s.engine, s.dev, buf);
            d.run(OPS); // warm-up: JIT compiles the loop
            d.run(OPS);
            long before = mx.getCurrentThreadAllocatedBytes();
            d.run(OPS);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, d.errors, "operations failed");
            assertTrue(allocated < BOUND, kind + ": " + allocated + " bytes allocated over " + OPS + " operations ("
                    + (double) allocated / OPS + " per op)");
        }
    }

    private static com.sun.management.ThreadMXBean threadMx() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "JVM without per-thread allocation counters");
        com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(sun.isThreadAllocatedMemorySupported(), "thread allocated memory unsupported");
        sun.setThreadAllocatedMemoryEnabled(true);
        return sun;
    }

    /** Keeps DEPTH operations in flight, alternating writes and reads, like the array issuer does. */
    private static final class Driver implements CompletionHandler {
        private final IoEngine engine;
        private final BlockDevice dev;
        private final NativeBuffer buf;
        private long issued;
        private long outstanding;
        private long target;
        private long errors;
        private long rng = 0x2545F4914F6CDD1DL;

        Driver(IoEngine engine, BlockDevice dev, NativeBuffer buf) {
            this.engine = engine;
            this.dev = dev;
            this.buf = buf;
        }

        void run(int ops) {
            issued = 0;
            target = ops;
            for (int slot = 0; slot < DEPTH; slot++) {
                issue(slot);
            }
            engine.submit();
            // Not inFlight(): it leaves out operations the handler prepared and reap has not submitted yet.
            while (outstanding > 0) {
                engine.reap(1, this);
            }
        }

        private void issue(int slot) {
            if (issued >= target) {
                return;
            }
            rng ^= rng << 13;
            rng ^= rng >>> 7;
            rng ^= rng << 17;
            long offset = Math.floorMod(rng, EngineHarness.SIZE / 4096) * 4096;
            long addr = buf.address() + slot * 4096L;
            boolean ok = (issued & 1) == 0 ? engine.prepWrite(dev, offset, addr, 4096, slot, 0)
                    : engine.prepRead(dev, offset, addr, 4096, slot, 0);
            if (!ok) {
                throw new AssertionError("engine full at depth " + DEPTH);
            }
            issued++;
            outstanding++;
        }

        @Override
        public void onComplete(long userData, int result) {
            outstanding--;
            if (result != 4096) {
                errors++;
            }
            issue((int) userData);
        }
    }
}
