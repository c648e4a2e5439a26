package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.api.IoCallback;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.RecordingSuperblocks;
import io.uraid.core.fixture.TrippingLevel;
import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.HeldReadsEngine;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dispatcher that an unexpected error stops (a level bug) fails its array, as md fails an array
 * it cannot drive: the requests it had taken and every later one complete with -EIO (none hangs),
 * but only once the legs still in the engine are back (the kernel may still write a client's
 * buffer); control calls throw; close returns; and no superblock is written after the failure
 * (no clean mark: the next assembly resyncs as after a crash).
 */
@Timeout(60)
class DispatcherFailureTest {
    private static final int CHUNK = 16 * 1024;
    private static final long MEMBER = 4L << 20;
    private static final int EIO = -Errno.EIO;

    @Test
    void aLevelErrorInACompletionFailsTheArrayAndAnswersEveryRequestWithEio() throws Exception {
        Path[] paths = paths("phase");
        MemoryEngine memory = FixtureArrays.memoryDisks("phase", 3, MEMBER, 64);
        HeldReadsEngine engine = new HeldReadsEngine(memory);
        TrippingLevel level = new TrippingLevel();
        RecordingSuperblocks superblocks = new RecordingSuperblocks();
        RaidArray array = array(level, engine, paths, ArrayOptions.DEFAULT, superblocks);
        try (NativeBuffer buf = NativeBuffer.allocate(8 * 4096)) {
            array.start();
            BlockingIo.write(array, 20L * CHUNK, 4096, buf.address(), 0); // the superblocks say active
            long updates = array.metadataUpdates();
            byte[][] sbBefore = superblockBytes(memory, paths, superblocks);

            engine.hold(paths[0]);
            engine.hold(paths[1]);
            Answer inFlightRead = new Answer();
            array.read(4L * CHUNK, 4096, buf.address(), inFlightRead, 0); // stripe 2, role 0: its leg is held
            level.tripInPhaseDone(CHUNK);
            Answer failing = new Answer();
            array.write(CHUNK, 4096, buf.address() + 4096, 0, failing, 0); // stripe 0, role 1: reads held
            Answer parked1 = new Answer();
            Answer parked2 = new Answer();
            array.write(0, 4096, buf.address() + 8192, 0, parked1, 0); // stripe 0 again: waits for its lock
            array.write(CHUNK + 8192, 4096, buf.address() + 12288, 0, parked2, 0);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.heldCount() < 2 && System.nanoTime() - until < 0) {
                array.callOnDispatcher(() -> null); // a turn: takes what was published, reaps
            }
            assertEquals(2, engine.heldCount(), "the read and the failing write's read of role 1 are in flight");
            array.callOnDispatcher(() -> null); // two more turns: both writes are taken (and parked) by now
            array.callOnDispatcher(() -> null);

            engine.release(paths[1]); // the failing write's reads are in: the level's bug throws
            assertTrue(level.tripped().await(10, TimeUnit.SECONDS), "the planted bug ran");
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (array.failure() == null && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
            assertNotNull(array.failure(), "the failure is visible");
            assertFalse(array.running(), "a failed array no longer runs");
            Thread.sleep(300);
            assertEquals(0, inFlightRead.calls.get(),
                    "a read whose leg is still in flight is not answered: the device may still write its buffer");

            engine.release(paths[0]);
            for (Answer a : new Answer[] {inFlightRead, failing, parked1, parked2}) {
                assertTrue(a.done.await(10, TimeUnit.SECONDS), "every request taken is answered");
            }
            assertEquals(EIO, failing.result.get());
            assertEquals(EIO, parked1.result.get());
            assertEquals(EIO, parked2.result.get());
            assertEquals(EIO, inFlightRead.result.get());

            Answer later = new Answer();
            array.write(8L * CHUNK, 4096, buf.address(), 0, later, 0);
            assertEquals(1, later.calls.get(), "a request published after the failure is answered at once");
            assertEquals(EIO, later.result.get());
            Answer laterFlush = new Answer();
            array.flush(laterFlush, 0);
            assertEquals(EIO, laterFlush.result.get());

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> array.callOnDispatcher(() -> 1));
            assertTrue(e.getMessage().contains("dispatcher stopped"), e.getMessage());

            assertTimeoutPreemptively(Duration.ofSeconds(10), array::close);
            for (Answer a : new Answer[] {inFlightRead, failing, parked1, parked2, later, laterFlush}) {
                assertEquals(1, a.calls.get(), "each request is answered exactly once");
            }
            assertEquals(updates, array.metadataUpdates(), "no superblock update after the failure");
            assertFalse(array.clean(), "a failed array is not recorded clean");
            assertArrayEquals(sbBefore, superblockBytes(memory, paths, superblocks),
                    "the members' superblocks are as they were when the array failed");
        } finally {
            stop(array, memory, engine, paths);
        }
    }

    @Test
    void aLevelErrorWhileMappingARequestFailsTheArrayInsteadOfLosingTheRequest() throws Exception {
        Path[] paths = paths("issue");
        MemoryEngine memory = FixtureArrays.memoryDisks("issue", 3, MEMBER, 64);
        TrippingLevel level = new TrippingLevel();
        RaidArray array = array(level, memory, paths, ArrayOptions.DEFAULT, null);
        try (NativeBuffer buf = NativeBuffer.allocate(4096)) {
            array.start();
            BlockingIo.write(array, 0, 4096, buf.address(), 0);
            level.tripInIssue(3L * CHUNK);
            Answer failing = new Answer();
            array.read(3L * CHUNK, 4096, buf.address(), failing, 0);
            assertTrue(failing.done.await(10, TimeUnit.SECONDS), "the request whose mapping threw is answered");
            assertEquals(EIO, failing.result.get());
            Answer later = new Answer();
            array.read(0, 4096, buf.address(), later, 0);
            assertEquals(EIO, later.result.get(), "a later request is answered at once");
            assertTimeoutPreemptively(Duration.ofSeconds(10), array::close);
            assertEquals(1, failing.calls.get());
        } finally {
            stop(array, memory, null, paths);
        }
    }

    @Test
    void producersWaitingOnAFullRingAreAnsweredWhenTheArrayFails() throws Exception {
        Path[] paths = paths("full");
        MemoryEngine memory = FixtureArrays.memoryDisks("full", 3, MEMBER, 64);
        HeldReadsEngine engine = new HeldReadsEngine(memory);
        TrippingLevel level = new TrippingLevel();
        int ring = 8;
        RaidArray array = array(level, engine, paths, ArrayOptions.DEFAULT.withRingSize(ring), null);
        try (NativeBuffer buf = NativeBuffer.allocate(4096)) {
            array.start();
            engine.hold(paths[0]);
            engine.hold(paths[1]);
            Answer[] answers = new Answer[2 * ring + 1];
            for (int i = 0; i < answers.length; i++) {
                answers[i] = new Answer();
            }
            for (int i = 0; i < ring - 1; i++) { // role 0 of stripes 0..6: taken, their legs held
                array.read(2L * i * CHUNK, 4096, buf.address(), answers[i], i);
            }
            level.tripInPhaseDone(CHUNK);
            array.write(CHUNK, 4096, buf.address(), 0, answers[ring - 1], 0); // every pooled request is taken now
            for (int i = ring; i < 2 * ring; i++) { // wait in the ring: no free request to take them
                array.read(2L * i * CHUNK, 4096, buf.address(), answers[i], i);
            }
            Thread producer = new Thread(() -> array.read(0, 4096, buf.address(), answers[2 * ring], 0));
            producer.start(); // waits for a ring slot
            producer.join(300);
            assertTrue(producer.isAlive(), "the ring is full: the last producer waits");

            engine.release(paths[1]); // the write's reads are in: the level's bug throws
            assertTrue(level.tripped().await(10, TimeUnit.SECONDS), "the planted bug ran");
            engine.release(paths[0]);
            producer.join(10_000);
            assertFalse(producer.isAlive(), "the waiting producer got its slot");
            for (Answer a : answers) {
                assertTrue(a.done.await(10, TimeUnit.SECONDS), "every request is answered");
                assertEquals(EIO, a.result.get());
            }
            assertTimeoutPreemptively(Duration.ofSeconds(10), array::close);
            for (Answer a : answers) {
                assertEquals(1, a.calls.get(), "each request is answered exactly once");
            }
        } finally {
            stop(array, memory, engine, paths);
        }
    }

    /** One request's answer: how many times it came, and the last result. */
    private static final class Answer implements IoCallback {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);

        @Override
        public void done(long tag, int status) {
            result.set(status);
            calls.incrementAndGet();
            done.countDown();
        }
    }

    private static RaidArray array(TrippingLevel level, io.uraid.io.IoEngine engine, Path[] paths,
                                   ArrayOptions options, RecordingSuperblocks superblocks) throws Exception {
        return FixtureArrays.array(level, CHUNK, engine, paths, MEMBER, FixtureArrays.inSync(3), 64, options,
                superblocks);
    }

    /** Closes the array; releases held reads first, so a failed assertion does not leave close waiting for them. */
    private static void stop(RaidArray array, MemoryEngine memory, HeldReadsEngine held, Path[] paths) {
        if (held != null) {
            for (Path p : paths) {
                held.release(p);
            }
        }
        array.close();
        memory.close();
    }

    private static Path[] paths(String name) {
        return new Path[] {FixtureArrays.disk(name, 0), FixtureArrays.disk(name, 1), FixtureArrays.disk(name, 2)};
    }

    private static byte[][] superblockBytes(MemoryEngine memory, Path[] paths, RecordingSuperblocks sb) {
        byte[][] out = new byte[paths.length][];
        for (int i = 0; i < paths.length; i++) {
            out[i] = memory.disk(paths[i]).bytes(sb.superblockOffset(), sb.blockSize());
        }
        return out;
    }
}
