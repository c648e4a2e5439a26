package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.array.MemberState;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.MemoryEngine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * md's flags for a slow mirror half: write-mostly (reads avoid it while another copy is in
 * sync), write-behind (a write completes before its write-mostly leg lands, within the limit,
 * and keeps its bitmap bit until then), failfast (a failed read fails the member at once).
 */
@Timeout(60)
class WriteMostlyTest {
    private static final int W = MdConstants.DEVFLAG_WRITE_MOSTLY;

    private static MemoryMembers mirror(String name, int flags1, int writeBehind) throws Exception {
        return mirror(name, 0, flags1, writeBehind);
    }

    private static MemoryMembers mirror(String name, int flags0, int flags1, int writeBehind) throws Exception {
        MemoryMembers mm = new MemoryMembers(name, 2, 12L * MIB);
        // Members of zeros, assumed clean: no first sync runs at assembly, so every leg the
        // holding engine holds is a client write's (a resync window held there never ended).
        CreateSpec spec = new CreateSpec("mem", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, mm.paths, false,
                true, CreateSpec.BitmapMode.INTERNAL, 1 << 20).withMemberFlags(List.of(flags0, flags1), writeBehind);
        try (MemoryEngine e = mm.engine()) {
            ArrayCreator.create(spec, e);
        }
        return mm;
    }

    @Test
    void readsAvoidAWriteMostlyMemberWhileAnotherCopyIsInSyncAndUseItWhenItIsTheLast() throws Exception {
        MemoryMembers mm = mirror("wm-read", W, 0);
        try (OpenArray open = mm.assemble(AssembleOptions.DEFAULT)) {
            assertTrue(open.member(1).writeMostly() && !open.member(0).writeMostly(), "flags read from the superblocks");
            byte[] data = Redundant.pattern(0, 256 * 1024, 3);
            Redundant.write(open.array(), 0, data);
            for (int i = 0; i < 64; i++) {
                assertArrayEquals(Redundant.pattern(i * 4096L, 4096, 3), Redundant.read(open.array(), i * 4096L, 4096));
            }
            assertEquals(0, open.member(1).reads(), "no read went to the write-mostly member");
            assertTrue(open.member(0).reads() >= 64);
            assertTrue(open.array().fail(0));
            assertArrayEquals(data, Redundant.read(open.array(), 0, data.length), "the last copy serves reads");
            assertTrue(open.member(1).reads() > 0);
        }
    }

    @Test
    void aWriteBehindCompletesBeforeItsWriteMostlyLegLandsWhichWritesTheBytesAsTheyWereAndKeepsTheBitSetUntilThen()
            throws Exception {
        MemoryMembers mm = mirror("wm-behind", W, 8);
        HoldingEngine hold = new HoldingEngine(mm.engine(), mm.paths.get(1));
        AssembleOptions o = AssembleOptions.DEFAULT.withRun(true)
                .withRedundancy(RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(50));
        try (OpenArray open = Assembler.assemble(mm.paths, o, hold)) {
            assertEquals(8, open.array().writeBehind(), "the limit read from the bitmap superblock");
            long dataOffset = open.member(1).dataOffset();
            hold.holdFrom(dataOffset);
            byte[] data = Redundant.pattern(3 * MIB, 128 * 1024, 7);
            try (NativeBuffer buf = NativeBuffer.allocate(data.length)) {
                buf.view().put(data);
                BlockingIo.write(open.array(), 3 * MIB, data.length, buf.address(), 0); // returns while held
                buf.view().put(new byte[data.length]); // the client reuses its buffer at once
            }
            assertEquals(2, hold.held(), "128 KiB behind in two 64 KiB legs, still held");
            assertEquals(2, open.array().behindWritesInFlight());
            assertArrayEquals(new byte[data.length], bytes(mm, 1, dataOffset + 3 * MIB, data.length),
                    "the write-mostly copy does not have it yet");
            assertArrayEquals(data, Redundant.read(open.array(), 3 * MIB, data.length), "read from the other copy");
            long chunk = 3; // 1 MiB bitmap chunks
            Thread.sleep(300); // several clear passes
            assertTrue(open.redundancy().bitmap().isDirty(chunk), "the bit stays set while the write is behind");
            hold.release();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (open.array().behindWritesInFlight() > 0 || open.redundancy().bitmap().isDirty(chunk)) {
                assertTrue(System.nanoTime() < deadline, "behind writes landed and the bit cleared");
                Thread.sleep(10);
            }
            assertArrayEquals(data, bytes(mm, 1, dataOffset + 3 * MIB, data.length),
                    "the write-mostly copy got the bytes of the write, not the reused buffer");
        }
    }

    @Test
    void pastTheWriteBehindLimitAWriteWaitsForItsWriteMostlyLeg() throws Exception {
        MemoryMembers mm = mirror("wm-limit", W, 1);
        HoldingEngine hold = new HoldingEngine(mm.engine(), mm.paths.get(1));
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), hold);
             NativeBuffer a = NativeBuffer.allocate(4096); NativeBuffer b = NativeBuffer.allocate(4096)) {
            hold.holdFrom(open.member(1).dataOffset());
            BlockingIo.write(open.array(), 0, 4096, a.address(), 0); // behind: the one allowed
            CompletableFuture<Integer> second = new CompletableFuture<>();
            open.array().write(MIB, 4096, b.address(), 0, (tag, status) -> second.complete(status), 0);
            Thread.sleep(300);
            assertFalse(second.isDone(), "over the limit: the write waits for its write-mostly leg");
            assertEquals(2, hold.held());
            hold.release();
            assertEquals(0, second.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWriteOverlappingAWriteStillBehindWaitsSoTheWriteMostlyCopyEndsWithTheNewerBytes() throws Exception {
        MemoryMembers mm = mirror("wm-overlap", W, 8);
        HoldingEngine hold = new HoldingEngine(mm.engine(), mm.paths.get(1));
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), hold);
             NativeBuffer a = NativeBuffer.allocate(8192); NativeBuffer b = NativeBuffer.allocate(4096)) {
            long dataOffset = open.member(1).dataOffset();
            hold.holdFrom(dataOffset);
            byte[] older = Redundant.pattern(MIB, 8192, 1);
            byte[] newer = Redundant.pattern(MIB + 4096, 4096, 2);
            a.view().put(older);
            b.view().put(newer);
            BlockingIo.write(open.array(), MIB, 8192, a.address(), 0); // behind, held
            CompletableFuture<Integer> second = new CompletableFuture<>();
            open.array().write(MIB + 4096, 4096, b.address(), 0, (tag, status) -> second.complete(status), 0);
            Thread.sleep(300);
            assertFalse(second.isDone(), "the overlapping write waits for the one still behind");
            assertEquals(1, hold.held(), "and sends nothing meanwhile");
            hold.release();
            assertEquals(0, second.get(10, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (open.array().behindWritesInFlight() > 0) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(10);
            }
            assertArrayEquals(newer, bytes(mm, 1, dataOffset + MIB + 4096, 4096), "the newer bytes, last");
            assertArrayEquals(java.util.Arrays.copyOf(older, 4096), bytes(mm, 1, dataOffset + MIB, 4096));
        }
    }

    @Test
    void withoutWriteBehindAWriteWaitsForItsWriteMostlyLeg() throws Exception {
        MemoryMembers mm = mirror("wm-sync", W, 0);
        HoldingEngine hold = new HoldingEngine(mm.engine(), mm.paths.get(1));
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), hold);
             NativeBuffer a = NativeBuffer.allocate(4096)) {
            hold.holdFrom(open.member(1).dataOffset());
            CompletableFuture<Integer> w = new CompletableFuture<>();
            open.array().write(0, 4096, a.address(), 0, (tag, status) -> w.complete(status), 0);
            Thread.sleep(300);
            assertFalse(w.isDone());
            hold.release();
            assertEquals(0, w.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFailfastMemberWhoseReadFailsIsFailedAtOnceAndTheReadServedFromTheOtherCopy() throws Exception {
        MemoryMembers mm = mirror("wm-failfast", MdConstants.DEVFLAG_FAILFAST, 0, 0);
        FaultyEngine faults = new FaultyEngine(mm.engine(), Assembler.ENGINE_ENTRIES);
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), faults)) {
            byte[] data = Redundant.pattern(0, 64 * 1024, 9);
            Redundant.write(open.array(), 0, data);
            FaultRule bad = faults.add(FaultRule.on(mm.paths.get(0)).reads().range(open.member(0).dataOffset(), MIB));
            for (int i = 0; i < 8; i++) { // equally idle copies: a read tries member 0 first
                assertArrayEquals(data, Redundant.read(open.array(), 0, data.length));
            }
            assertEquals(1, bad.injected(), "one failed read was enough");
            assertEquals(MemberState.FAULTY, open.member(0).state(), "failed at once, not after 20 corrected errors");
        }
    }

    private static byte[] bytes(MemoryMembers mm, int disk, long offset, int length) {
        try (NativeBuffer b = NativeBuffer.allocate(length)) {
            mm.disks[disk].read(offset, b.address(), length);
            byte[] out = new byte[length];
            b.view().get(out);
            return out;
        }
    }
}
