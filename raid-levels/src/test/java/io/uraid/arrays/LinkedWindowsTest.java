package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.ForwardingEngine;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rebuild window goes to the engine as one linked chain, the read of a good copy then the
 * write of the device being rebuilt, so the kernel runs the write after the read without the
 * dispatcher in between; when the read of a chain fails, its write is canceled and the window is
 * copied again from another copy.
 */
@Timeout(120)
class LinkedWindowsTest {
    private static final long MEMBER = 20L * MIB;

    /** Counts reads prepared with LINK, and writes to one device (the one being rebuilt). */
    static final class LinkCounter extends ForwardingEngine {
        final AtomicLong linkedReads = new AtomicLong();
        final AtomicLong writesToTarget = new AtomicLong();
        private final Path target;

        LinkCounter(IoEngine inner, Path target) {
            super(inner);
            this.target = target;
        }

        @Override
        public boolean prepRead(BlockDevice d, long offset, long address, int length, long userData, int flags) {
            boolean ok = super.prepRead(d, offset, address, length, userData, flags);
            if (ok && (flags & LINK) != 0) {
                linkedReads.incrementAndGet();
            }
            return ok;
        }

        @Override
        public boolean prepWrite(BlockDevice d, long offset, long address, int length, long userData, int flags) {
            boolean ok = super.prepWrite(d, offset, address, length, userData, flags);
            if (ok && d.path().equals(target) && length >= 64 * 1024) { // data windows, not superblocks
                writesToTarget.incrementAndGet();
            }
            return ok;
        }
    }

    @Test
    void everyRebuildWindowIsALinkedReadThenWrite() throws Exception {
        MemoryMembers mm = new MemoryMembers("link", 3, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        LinkCounter engine = new LinkCounter(new FaultyEngine(mm.engine(), Assembler.ENGINE_ENTRIES), mm.paths.get(2));
        try (OpenArray open = Assembler.assemble(mm.paths.subList(0, 2), AssembleOptions.DEFAULT.withRun(true),
                engine)) {
            byte[] data = Redundant.pattern(3 * MIB, 512 * 1024, 7);
            Redundant.write(open.array(), 3 * MIB, data);
            addSpareAndFail(mm, open, 1);
            awaitRebuild(open.redundancy());
            assertEquals(MemberState.IN_SYNC, open.member(1).state());
            long windows = engine.writesToTarget.get();
            assertTrue(windows >= open.array().size() / (1 << 20), "the whole array was copied: " + windows);
            assertEquals(windows, engine.linkedReads.get(), "each window write was chained to its read");
            open.array().fail(0);
            assertArrayEquals(data, Redundant.read(open.array(), 3 * MIB, data.length), "the rebuilt copy serves");
        }
    }

    @Test
    void withPhasedOrderingTheWriteGoesOutAfterTheReadAndTheRebuildIsTheSame() throws Exception {
        MemoryMembers mm = new MemoryMembers("phased", 3, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        LinkCounter engine = new LinkCounter(new FaultyEngine(mm.engine(), Assembler.ENGINE_ENTRIES), mm.paths.get(2));
        AssembleOptions phased = AssembleOptions.DEFAULT.withRun(true);
        phased = new AssembleOptions(true, phased.options().withOrdering(ArrayOptions.Ordering.PHASED),
                phased.redundancy());
        try (OpenArray open = Assembler.assemble(mm.paths.subList(0, 2), phased, engine)) {
            byte[] data = Redundant.pattern(7 * MIB, 256 * 1024, 3);
            Redundant.write(open.array(), 7 * MIB, data);
            addSpareAndFail(mm, open, 1);
            awaitRebuild(open.redundancy());
            assertTrue(engine.writesToTarget.get() >= open.array().size() / (1 << 20));
            assertEquals(0, engine.linkedReads.get(), "nothing linked: each write waited for its read");
            open.array().fail(0);
            assertArrayEquals(data, Redundant.read(open.array(), 7 * MIB, data.length));
        }
    }

    @Test
    void aFailedReadCancelsItsChainedWriteAndTheWindowIsCopiedFromAnotherCopy() throws Exception {
        MemoryMembers mm = new MemoryMembers("linkfail", 4, MEMBER);
        mm.create("raid1", 3, BitmapMode.INTERNAL, MIB);
        FaultyEngine faults = new FaultyEngine(mm.engine(), Assembler.ENGINE_ENTRIES);
        try (OpenArray open = Assembler.assemble(mm.paths.subList(0, 3), AssembleOptions.DEFAULT.withRun(true),
                faults)) {
            byte[] data = Redundant.pattern(5 * MIB, 2 * MIB, 9);
            Redundant.write(open.array(), 5 * MIB, data);
            long at = open.member(0).dataOffset() + 6 * MIB;
            FaultRule bad = faults.add(FaultRule.on(mm.paths.get(0)).reads().range(at, MIB));
            addSpareAndFail(mm, open, 2);
            awaitRebuild(open.redundancy());
            assertTrue(bad.injected() > 0, "a chain's read failed");
            assertEquals(MemberState.FAULTY, open.member(0).state(), "the copy that failed to read is failed");
            assertEquals(MemberState.IN_SYNC, open.member(2).state(), "the rebuild completed from copy 1");
            open.array().fail(1);
            assertArrayEquals(data, Redundant.read(open.array(), 5 * MIB, data.length),
                    "the rebuilt member alone serves the bytes, the failed window's included");
        }
    }

    private static void addSpareAndFail(MemoryMembers mm, OpenArray open, int role) throws Exception {
        int spare = mm.paths.size() - 1;
        try (MemoryEngine prep = new MemoryEngine(64)) {
            prep.attach(mm.paths.get(spare), mm.disks[spare]);
            open.addSpare(mm.paths.get(spare), prep, false);
        }
        assertTrue(open.array().fail(role));
    }

    private static void awaitRebuild(Redundancy red) throws InterruptedException {
        long until = System.nanoTime() + 30_000_000_000L;
        while (red.syncStatus().lastAction() != SyncAction.RECOVER && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(red.awaitSyncIdle(60_000));
        assertTrue(red.syncStatus().lastCompleted(), "the rebuild completed");
    }
}
