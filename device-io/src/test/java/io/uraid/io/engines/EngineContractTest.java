package io.uraid.io.engines;

import static io.uraid.io.engines.EngineHarness.get;
import static io.uraid.io.engines.EngineHarness.put;
import static io.uraid.io.engines.EngineHarness.random;
import static io.uraid.io.engines.EngineHarness.reap;
import static io.uraid.io.engines.EngineHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.EngineKind;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.aio.AioEngine;
import io.uraid.io.engines.EngineHarness.Completions;
import io.uraid.io.engines.EngineHarness.Setup;
import io.uraid.io.engines.EngineHarness.Target;
import io.uraid.io.portable.PortableEngine;
import io.uraid.io.uring.IoUringEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link IoEngine} contract beyond moving bytes: alignment, links, batching, back-pressure. */
class EngineContractTest {
    private static final String ALL = "io.uraid.io.engines.EngineHarness#engineTargets";

    /** Misaligned offset, length or address is refused before anything reaches the kernel. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void misalignedDirectIoIsRefusedBeforeSubmission(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(16384)) {
            assertTrue(s.dev.isDirect(), "expected O_DIRECT on " + s.path);
            int lbs = s.dev.logicalBlockSize();
            long a = buf.address();
            int before = s.engine.available();
            long[][] bad = {{lbs / 2, a, lbs}, {0, a + lbs / 2, lbs}, {0, a, lbs + 1}, {lbs + 1, a + 1, 3}};
            for (long[] b : bad) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> s.engine.prepRead(s.dev, b[0], b[1], (int) b[2], 1, 0), "read " + Arrays.toString(b));
                assertTrue(e.getMessage().contains(s.path.toString()) && e.getMessage().contains("misaligned"),
                        e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> s.engine.prepWrite(s.dev, b[0], b[1], (int) b[2], 1, 0), "write " + Arrays.toString(b));
            }
            assertEquals(before, s.engine.available(), "a refused operation took a slot");
            assertEquals(0, s.engine.submit(), "a refused operation was queued");
            assertEquals(0, s.engine.inFlight());
            // The engine still works afterwards.
            assertEquals(lbs, write(s.engine, s.dev, 0, a, lbs));
        }
    }

    /** write A, then write B over it, then read: linked, so the read must see B, and in order. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void linkedChainRunsInOrder(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 16); NativeBuffer buf = NativeBuffer.allocate(3 * 65536)) {
            byte[] a = random(65536, 20);
            byte[] b = random(65536, 21);
            put(buf, 0, a);
            put(buf, 65536, b);
            long off = 1 << 20;
            for (int round = 0; round < 5; round++) {
                assertTrue(s.engine.prepWrite(s.dev, off, buf.address(), 65536, 1, IoEngine.LINK));
                assertTrue(s.engine.prepWrite(s.dev, off, buf.address() + 65536, 65536, 2, IoEngine.LINK));
                assertTrue(s.engine.prepRead(s.dev, off, buf.address() + 131072, 65536, 3, 0));
                Completions c = reap(s.engine, 3);
                assertEquals(65536, c.result(1));
                assertEquals(65536, c.result(2));
                assertEquals(65536, c.result(3));
                assertArrayEquals(new long[] {1, 2, 3}, c.userDataInOrder(), "completion order of a chain");
                assertArrayEquals(b, get(buf, 131072, 65536), "the linked read ran before the second write");
                put(buf, 131072, new byte[65536]);
            }
        }
    }

    /** A link that fails in the kernel (EBADF: write on a read-only open) cancels the rest. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void failingLinkCancelsTheRestOfTheChain(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 16); NativeBuffer buf = NativeBuffer.allocate(8192);
             BlockDevice ro = s.reopen(OpenOptions.READ_ONLY)) {
            assertTrue(s.engine.prepRead(s.dev, 0, buf.address(), 4096, 1, IoEngine.LINK));
            assertTrue(s.engine.prepWrite(ro, 4096, buf.address(), 4096, 2, IoEngine.LINK));
            assertTrue(s.engine.prepRead(s.dev, 0, buf.address(), 4096, 3, IoEngine.LINK));
            assertTrue(s.engine.prepFsync(s.dev, true, 4, 0));
            assertTrue(s.engine.prepRead(s.dev, 8192, buf.address() + 4096, 4096, 5, 0)); // not linked
            Completions c = reap(s.engine, 5);
            assertEquals(4096, c.result(1));
            assertEquals(-Errno.EBADF, c.result(2), "write on a read-only descriptor");
            assertEquals(-Errno.ECANCELED, c.result(3));
            assertEquals(-Errno.ECANCELED, c.result(4));
            assertEquals(4096, c.result(5), "an operation after the chain is not part of it");
            assertEquals(0, s.engine.inFlight());
        }
    }

    /** A short read (at the end of the device) is an unexpected result: it breaks the chain too. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void shortReadAtTheEndCancelsTheRestOfTheChain(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 16); NativeBuffer buf = NativeBuffer.allocate(16384)) {
            long size = s.dev.size();
            assertTrue(s.engine.prepRead(s.dev, size - 4096, buf.address(), 8192, 1, IoEngine.LINK));
            assertTrue(s.engine.prepWrite(s.dev, 0, buf.address() + 8192, 4096, 2, 0));
            Completions c = reap(s.engine, 2);
            assertEquals(4096, c.result(1));
            assertEquals(-Errno.ECANCELED, c.result(2));
        }
    }

    /** 32 prepared operations go to the kernel in one system call. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void aBatchIsOneSubmission(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 64); NativeBuffer buf = NativeBuffer.allocate(32 * 4096)) {
            for (int round = 0; round < 3; round++) {
                long before = submitCalls(s.engine);
                for (int i = 0; i < 32; i++) {
                    assertTrue(s.engine.prepRead(s.dev, i * 8192L, buf.address() + i * 4096L, 4096, i, 0));
                }
                assertEquals(before, submitCalls(s.engine), "prep made a system call");
                assertEquals(32, s.engine.submit());
                assertEquals(before + 1, submitCalls(s.engine), "system calls for one batch of 32");
                Completions c = reap(s.engine, 32);
                for (int i = 0; i < 32; i++) {
                    assertEquals(4096, c.result(i));
                }
            }
        }
    }

    private static long submitCalls(IoEngine e) {
        if (e instanceof IoUringEngine) {
            return ((IoUringEngine) e).enterCalls();
        }
        if (e instanceof AioEngine) {
            return ((AioEngine) e).submitCalls();
        }
        return ((PortableEngine) e).submitCalls();
    }

    /**
     * prep* says "full" instead of blocking or dropping; everything accepted completes exactly
     * once; after reaping, the engine accepts again.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void fullEngineRefusesAndLosesNothing(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            long ud = 0;
            int accepted = 0;
            // io_uring has room again after a submit (its SQ drains into the CQ-sized slot table).
            for (int phase = 0; phase < 4 && s.engine.available() > 0; phase++) {
                while (s.engine.prepRead(s.dev, (ud % 64) * 4096, buf.address(), 4096, ud, 0)) {
                    ud++;
                    accepted++;
                    assertTrue(ud < 10_000, "the engine never said it was full");
                }
                assertEquals(0, s.engine.available(), "refused while it reported room");
                assertFalse(s.engine.prepWrite(s.dev, 0, buf.address(), 4096, 99_999, 0), "accepted when full");
                s.engine.submit(); // io_uring: frees SQ room, so the second phase can add more in flight
            }
            assertTrue(s.engine.inFlight() <= accepted);
            Completions c = reap(s.engine, accepted);
            Set<Long> seen = new HashSet<>();
            for (long[] x : c.seen) {
                assertTrue(seen.add(x[0]), "user_data " + x[0] + " completed twice");
                assertEquals(4096, x[1]);
            }
            assertEquals(accepted, seen.size());
            assertFalse(seen.contains(99_999L), "a refused operation ran");
            assertEquals(0, s.engine.inFlight());
            assertTrue(s.engine.prepRead(s.dev, 0, buf.address(), 4096, 123, 0), "refused after reaping");
            assertEquals(4096, reap(s.engine, 1).result(123));
        }
    }

    /**
     * A handler that prepares the next operation from inside reap (how the bench and the array
     * issuer drive an engine at depth 1) gets control back: reap(1) returns after a bounded
     * number of completions, and the next reap carries on.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource(ALL)
    void reapReturnsWhenTheHandlerKeepsPreparing(EngineKind kind, Target target) throws IOException {
        try (Setup s = Setup.open(kind, target, 8); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            long[] completed = {0};
            CompletionHandler again = (ud, res) -> {
                assertEquals(4096, res);
                completed[0]++;
                assertTrue(s.engine.prepRead(s.dev, (completed[0] % 16) * 4096, buf.address(), 4096, ud + 1, 0));
            };
            assertTrue(s.engine.prepRead(s.dev, 0, buf.address(), 4096, 0, 0));
            s.engine.submit();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int call = 1; call <= 200; call++) {
                    int n = s.engine.reap(1, again);
                    assertTrue(n >= 1 && n <= 8, "reap(1) delivered " + n);
                    assertTrue(completed[0] >= call && completed[0] <= 8L * call, "completed " + completed[0]);
                }
            });
            // Drain the last one, which the handler prepared.
            reap(s.engine, 1);
        }
    }
}
