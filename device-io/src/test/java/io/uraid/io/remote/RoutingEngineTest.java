package io.uraid.io.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.RoutingEngine;
import io.uraid.io.engines.DepthDriver;
import io.uraid.io.engines.EngineAllocationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine an array drives with local and remote members: one prepare/submit/reap cycle for
 * both, a blocking reap that a remote completion (or a producer's wakeup) ends, and nothing
 * allocated per operation on the remote path either.
 */
class RoutingEngineTest {
    private static final int MB = 1 << 20;
    @TempDir
    Path dir;

    private Path localFile() throws Exception {
        Path f = dir.resolve("local.img");
        Files.write(f, new byte[4 * MB]);
        return f;
    }

    @Test
    void everyEngineIoEnginesHandsOutOpensRemoteMembersBesideLocalOnes() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "mem", "memory", "16M"); IoEngine e = IoEngines.openBest(64);
             NativeBuffer buf = NativeBuffer.allocate(32 * 65536); NativeBuffer back = NativeBuffer.allocate(32 * 65536)) {
            assertTrue(e instanceof RoutingEngine);
            BlockDevice local = e.open(localFile(), OpenOptions.DEFAULT);
            BlockDevice remote = e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                byte[] data = new byte[32 * 65536];
                new Random(1).nextBytes(data);
                buf.view().put(data);
                Map<Long, Integer> done = new HashMap<>();
                for (int i = 0; i < 32; i++) { // interleaved, one submit for both sides
                    BlockDevice d = i % 2 == 0 ? local : remote;
                    assertTrue(e.prepWrite(d, (i / 2) * 65536L, buf.address() + i * 65536L, 65536, i, 0));
                }
                e.submit();
                while (done.size() < 32) {
                    e.reap(1, done::put);
                }
                done.values().forEach(r -> assertEquals(65536, r));
                done.clear();
                for (int i = 0; i < 32; i++) {
                    BlockDevice d = i % 2 == 0 ? local : remote;
                    assertTrue(e.prepRead(d, (i / 2) * 65536L, back.address() + i * 65536L, 65536, i, 0));
                }
                while (done.size() < 32) {
                    e.reap(1, done::put);
                }
                byte[] got = new byte[data.length];
                back.view().get(got);
                assertArrayEquals(data, got);
                assertEquals(0, e.inFlight());
            } finally {
                local.close();
                remote.close();
            }
        }
    }

    @Test
    void aBlockingReapEndsWithARemoteCompletionAndWithAWakeup() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "slow", "--filter=delay", "memory", "16M", "delay-read=300ms",
                "delay-write=5"); IoEngine e = IoEngines.openBest(64); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            BlockDevice remote = e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                int[] got = {Integer.MIN_VALUE};
                assertTrue(e.prepRead(remote, 0, buf.address(), 4096, 1, 0));
                long start = System.nanoTime();
                while (got[0] == Integer.MIN_VALUE) {
                    e.reap(1, (u, r) -> got[0] = r);
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(4096, got[0]);
                assertTrue(ms >= 250 && ms < 5000, "the remote read completed after " + ms + " ms");
                assumeTrue(e.supportsWakeup(), "the local engine has no wake-up here");
                assertTrue(e.prepWrite(remote, 0, buf.address(), 4096, 2, 0)); // answered after 5 s
                e.submit();
                new Thread(() -> {
                    sleep(200);
                    e.wakeup();
                }).start();
                start = System.nanoTime();
                int n = e.reap(1, (u, r) -> got[0] = r);
                ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(0, n, "woken, not completed");
                assertTrue(ms < 3000, "wakeup() ended the blocking reap after " + ms + " ms");
                while (e.inFlight() > 0) {
                    e.reap(1, (u, r) -> got[0] = r);
                }
                assertEquals(4096, got[0]);
            } finally {
                remote.close();
            }
        }
    }

    @Test
    void aLinkChainCannotSpanLocalAndRemoteDevices() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "mem", "memory", "16M"); IoEngine e = IoEngines.openBest(64);
             NativeBuffer buf = NativeBuffer.allocate(4096)) {
            BlockDevice local = e.open(localFile(), OpenOptions.DEFAULT);
            BlockDevice remote = e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                assertTrue(e.prepWrite(local, 0, buf.address(), 4096, 1, IoEngine.LINK));
                assertThrows(IllegalArgumentException.class, () -> e.prepWrite(remote, 0, buf.address(), 4096, 2, 0));
                assertTrue(e.prepFsync(local, true, 3, 0), "the chain goes on locally");
                e.submit();
                while (e.inFlight() > 0) {
                    e.reap(1, (u, r) -> assertTrue(r >= 0));
                }
            } finally {
                local.close();
                remote.close();
            }
        }
    }

    @Test
    void remoteOperationsAllocateNothingOnTheIssuerOrTheConnectionThreads() throws Exception {
        com.sun.management.ThreadMXBean mx = EngineAllocationTest.threadMx();
        int depth = 32;
        int ops = 50_000;
        try (NbdKit kit = NbdKit.start(dir, "mem", "memory", "16M"); IoEngine e = IoEngines.openBest(64);
             NativeBuffer buf = NativeBuffer.allocate(depth * 4096)) {
            BlockDevice remote = e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                DepthDriver d = new DepthDriver(e, remote, buf, depth, 16L * MB);
                d.run(ops); // warm-up
                long[] links = linkThreads();
                long issuerBefore = mx.getCurrentThreadAllocatedBytes();
                long linksBefore = sum(mx.getThreadAllocatedBytes(links));
                d.run(ops);
                long issuer = mx.getCurrentThreadAllocatedBytes() - issuerBefore;
                long linkBytes = sum(mx.getThreadAllocatedBytes(links)) - linksBefore;
                assertEquals(0, d.errors());
                assertEquals(8, links.length, "4 connections, a sender and a receiver each");
                assertTrue(issuer < 16 * 1024, issuer + " bytes allocated by the issuer over " + ops + " ops");
                assertTrue(linkBytes < 64 * 1024, linkBytes + " bytes allocated by the connection threads over "
                        + ops + " ops");
            } finally {
                remote.close();
            }
        }
    }

    private static long[] linkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("nbd-send-") || t.getName().startsWith("nbd-recv-"))
                .filter(Thread::isAlive).mapToLong(Thread::getId).toArray();
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += Math.max(x, 0);
        }
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
