package io.uraid.arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.ForwardingEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write-intent bitmap's one ordering rule, checked at every member write of a run: a data
 * write to a chunk goes out only while every member's bitmap says that chunk is dirty, in the
 * last bitmap write the array saw complete and in every bitmap write still in flight. Bitmap
 * writes are slowed down here so that writes arriving while a bitmap update that clears their
 * chunk is on its way are many (a crash in that window leaves torn mirrors the bitmap calls clean).
 */
@Timeout(120)
class BitmapOrderingTest {
    private static final long MEMBER = 5L << 20;
    private static final int CHUNK = 64 * 1024;
    /** Writes of the ordering run (each goes to both members). */
    private static final int ROUNDS = 200;

    @Test
    void noDataWriteWhileItsChunkIsOrMayBeClearOnDisk() throws Exception {
        Logger.getLogger("io.uraid").setLevel(Level.WARNING);
        MemoryMembers mm = new MemoryMembers("bm-order", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, CHUNK);
        MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(mm.disks[0].bytes(4096, 4096))
                .order(ByteOrder.LITTLE_ENDIAN));
        long area = (sb.superOffset() + sb.bitmapOffset()) * 512;
        long dataOffset = sb.dataOffset() * 512;
        SlowBitmapEngine engine = new SlowBitmapEngine(mm.engine(), area, dataOffset);
        AssembleOptions opts = AssembleOptions.DEFAULT.withRun(true)
                .withRedundancy(RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(1));
        try (OpenArray open = Assembler.assemble(mm.paths, opts, engine)) {
            // As many rounds as it takes, however slow the host: the counts, not the time, make the run.
            long deadline = System.nanoTime() + 90_000_000_000L;
            int round = 0;
            while (!(round >= ROUNDS && engine.writesDuringBitmapWrites() >= ROUNDS / 4)
                    && System.nanoTime() < deadline) {
                long at = (round % 4) * CHUNK + (round % 16) * 4096L;
                Redundant.write(open.array(), at, Redundant.pattern(at, 4096, round));
                Thread.sleep(round % 3); // sometimes long enough for a clear pass to start
                round++;
            }
            assertTrue(engine.dataWrites() >= 2 * ROUNDS, "the run wrote data: " + engine.dataWrites());
            assertTrue(engine.bitmapWrites() > ROUNDS / 10, "bits were set and cleared many times: "
                    + engine.bitmapWrites());
            assertTrue(engine.writesDuringBitmapWrites() >= ROUNDS / 4, "data writes went out while a bitmap "
                    + "write was on its way: " + engine.writesDuringBitmapWrites() + " of " + engine.dataWrites());
        }
        List<String> bad = engine.violations();
        assertEquals(0, bad.size(), "data writes that went out while their chunk was (or was about to be) clear"
                + " on disk, first: " + bad.subList(0, Math.min(3, bad.size())));
    }

    /**
     * A member whose flush fails while a clear is on its way is failed, and the clear is called
     * off: that member may not hold the chunk's last writes, so a re-add must still copy it.
     */
    @Test
    void aClearIsCalledOffWhenAMemberFailsItsFlush() throws Exception {
        Logger.getLogger("io.uraid").setLevel(Level.SEVERE);
        MemoryMembers mm = new MemoryMembers("bm-flushfail", 2, MEMBER);
        mm.create("raid1", 2, BitmapMode.INTERNAL, CHUNK);
        AssembleOptions opts = AssembleOptions.DEFAULT
                .withRedundancy(RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(1));
        try (OpenArray open = mm.assemble(opts)) {
            mm.faults.add(FaultRule.on(mm.paths.get(1)).flushes());
            Redundant.write(open.array(), 3 * CHUNK, Redundant.pattern(3 * CHUNK, 4096, 1));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!open.array().degraded() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(open.array().degraded(), "the member whose flush failed is failed");
            while (!settledAfterTheFailure(mm) && System.nanoTime() < deadline) {
                Thread.sleep(1); // the update under way, then the one recording the failure's events
            }
            assertTrue(settledAfterTheFailure(mm), "the survivor's bitmap was written after its superblock "
                    + "recorded the failure");
            assertTrue(open.redundancy().bitmap().isDirty(3), "chunk 3 stays dirty in memory");
            assertEquals(1, open.redundancy().bitmap().dirtyOnDisk(), "and on disk");
        }
        BitmapImage onDisk = BitmapImage.decode(ByteBuffer.wrap(mm.disks[0].bytes(
                bitmapArea(mm), 4096)));
        assertTrue(onDisk.isSet(3), "the surviving member's bitmap keeps chunk 3 for the re-add");
    }

    /**
     * The survivor's superblock records member 1 faulty, and its bitmap carries the same events
     * count: written after that, so after the update that was under way when the flush failed.
     * (Counting updates from when the test saw the failure is not enough: a slow test thread
     * sees it late.)
     */
    private static boolean settledAfterTheFailure(MemoryMembers mm) {
        MdSuperblock survivor = durableSuperblock(mm, 0);
        int failed = durableSuperblock(mm, 1).devNumber();
        BitmapSuperblock bitmap = BitmapSuperblock.decode(ByteBuffer.wrap(mm.disks[0].durableBytes(bitmapArea(mm),
                4096)).order(ByteOrder.LITTLE_ENDIAN));
        return survivor.devRole(failed) == MdConstants.ROLE_FAULTY && bitmap.events() == survivor.events();
    }

    private static MdSuperblock durableSuperblock(MemoryMembers mm, int disk) {
        return MdSuperblock.decode(ByteBuffer.wrap(mm.disks[disk].durableBytes(4096, 4096))
                .order(ByteOrder.LITTLE_ENDIAN));
    }

    private static long bitmapArea(MemoryMembers mm) {
        MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(mm.disks[0].bytes(4096, 4096))
                .order(ByteOrder.LITTLE_ENDIAN));
        return (sb.superOffset() + sb.bitmapOffset()) * 512;
    }

    /**
     * Delivers each bitmap write's completion a few milliseconds late, and checks every data
     * write against the bitmap writes each member has seen prepared and completed.
     */
    private static final class SlowBitmapEngine extends ForwardingEngine {
        private static final long DELAY_NANOS = 3_000_000;
        private final long area;
        private final long dataOffset;
        /** Per member: bitmap writes from the last completed one on, oldest first. */
        private final Map<Path, ArrayDeque<Pending>> bitmaps = new HashMap<>();
        private final Map<Long, Pending> byUserData = new HashMap<>();
        private final ArrayDeque<Pending> late = new ArrayDeque<>();
        private final List<String> violations = new ArrayList<>();
        private final AtomicLong dataWrites = new AtomicLong();
        private final AtomicLong bitmapWrites = new AtomicLong();
        /** Data writes checked while some member's bitmap write was in flight: the dangerous window. */
        private final AtomicLong writesDuringBitmapWrites = new AtomicLong();

        private static final class Pending {
            final BitmapImage image;
            boolean completed;
            long userData;
            int result;
            long due;

            Pending(BitmapImage image) {
                this.image = image;
            }
        }

        SlowBitmapEngine(IoEngine inner, long area, long dataOffset) {
            super(inner);
            this.area = area;
            this.dataOffset = dataOffset;
        }

        synchronized List<String> violations() {
            return new ArrayList<>(violations);
        }

        long dataWrites() {
            return dataWrites.get();
        }

        long bitmapWrites() {
            return bitmapWrites.get();
        }

        long writesDuringBitmapWrites() {
            return writesDuringBitmapWrites.get();
        }

        @Override
        public synchronized boolean prepWrite(BlockDevice device, long offset, long address, int length,
                                              long userData, int flags) {
            if (offset == area) {
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++) {
                    bytes[i] = UnsafeAccess.getByte(address + i);
                }
                if (!inner.prepWrite(device, offset, address, length, userData, flags)) {
                    return false;
                }
                Pending p = new Pending(BitmapImage.decode(ByteBuffer.wrap(bytes)));
                bitmaps.computeIfAbsent(device.path(), k -> new ArrayDeque<>()).addLast(p);
                byUserData.put(userData, p);
                bitmapWrites.incrementAndGet();
                return true;
            }
            if (offset >= dataOffset) {
                check(device.path(), offset, length);
                dataWrites.incrementAndGet();
            }
            return inner.prepWrite(device, offset, address, length, userData, flags);
        }

        private void check(Path member, long offset, int length) {
            long first = (offset - dataOffset) / CHUNK;
            long last = (offset - dataOffset + length - 1) / CHUNK;
            boolean during = false;
            for (Map.Entry<Path, ArrayDeque<Pending>> e : bitmaps.entrySet()) {
                for (Pending p : e.getValue()) {
                    during |= !p.completed;
                    for (long c = first; c <= last; c++) {
                        if (!p.image.isSet(c)) {
                            violations.add("write to " + member.getFileName() + " @" + offset + " (chunk " + c
                                    + ") while a bitmap write on " + e.getKey().getFileName() + " "
                                    + (p.completed ? "last completed" : "in flight") + " has the chunk clear");
                        }
                    }
                }
            }
            if (during) {
                writesDuringBitmapWrites.incrementAndGet();
            }
        }

        @Override
        public synchronized int inFlight() {
            return inner.inFlight() + late.size();
        }

        @Override
        public int reap(int minComplete, CompletionHandler handler) {
            int[] delivered = {0};
            inner.reap(0, (userData, result) -> {
                Pending p;
                synchronized (this) {
                    p = byUserData.remove(userData);
                    if (p != null) {
                        p.userData = userData;
                        p.result = result;
                        p.due = System.nanoTime() + DELAY_NANOS;
                        late.addLast(p);
                    }
                }
                if (p == null) {
                    handler.onComplete(userData, result);
                    delivered[0]++;
                }
            });
            long now = System.nanoTime();
            while (true) {
                Pending p;
                synchronized (this) {
                    p = late.peekFirst();
                    if (p == null || p.due - now > 0) {
                        break;
                    }
                    late.removeFirst();
                    markCompleted(p);
                }
                handler.onComplete(p.userData, p.result);
                delivered[0]++;
            }
            return delivered[0];
        }

        /** The member's older bitmap writes no longer matter: this one is the last completed. */
        private void markCompleted(Pending p) {
            p.completed = true;
            for (ArrayDeque<Pending> q : bitmaps.values()) {
                if (q.contains(p)) {
                    while (q.peekFirst() != p) {
                        q.removeFirst();
                    }
                }
            }
        }
    }
}
