package io.uraid.arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.MemoryDisk;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Level semantics under faults, on in-memory members: striped levels fail requests with a failed
 * leg; raid1 retries a read error on another mirror and rewrites the bad block; FLUSH reaches
 * every member; FUA writes are durable on every copy; flushed data survives a power cut.
 */
@Timeout(60)
class FaultSemanticsTest {
    private static final long MEMBER_BYTES = 8L << 20;

    /** A memory-backed array behind a fault injector. */
    private static final class Rig implements AutoCloseable {
        final Backend.Memory members;
        final FaultyEngine faults;
        final OpenArray open;
        final RaidArray array;
        final Layout layout;
        final long dataOffset;

        Rig(String level, int disks, int chunkKiB) throws IOException {
            members = new Backend.Memory(level, disks, MEMBER_BYTES);
            try (IoEngine e = members.engine()) {
                ArrayCreator.create(new CreateSpec("sem", "testhost", LevelRegistry.byName(level), disks,
                        chunkKiB * 1024, -1, members.paths, false, true), e);
            }
            faults = new FaultyEngine(members.engine(), 1024);
            open = Assembler.assemble(members.paths, AssembleOptions.DEFAULT, faults);
            array = open.array();
            layout = array.layout();
            dataOffset = open.member(0).dataOffset();
        }

        MemoryDisk disk(int role) {
            return members.disks.get(role);
        }

        /** Where copy {@code c} of array offset {@code at} sits on its member. */
        long memberOffset(long at, int c) {
            return dataOffset + layout.memberOffset(at, c);
        }

        @Override
        public void close() {
            open.close();
        }
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(RaidArray a, long at, byte[] data, int flags) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(data.length)) {
            buf.view().put(data);
            BlockingIo.write(a, at, data.length, buf.address(), flags);
        }
    }

    private static byte[] read(RaidArray a, long at, int n) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(n)) {
            BlockingIo.read(a, at, n, buf.address());
            byte[] out = new byte[n];
            buf.view().get(out);
            return out;
        }
    }

    /** First array offset (4 KiB steps) whose only copy sits on {@code role}. */
    private static long offsetOn(Layout layout, int role) {
        for (long at = 0; at < layout.arraySize(); at += 4096) {
            if (layout.member(at, 0) == role) {
                return at;
            }
        }
        throw new AssertionError("no offset on role " + role);
    }

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"raid0,3,64", "linear,3,0"})
    void stripedLevelsFailRequestsWithAFailedLeg(String level, int disks, int chunkKiB) throws IOException {
        try (Rig rig = new Rig(level, disks, chunkKiB)) {
            long bad = offsetOn(rig.layout, 1);
            long good = offsetOn(rig.layout, 0);
            FaultRule rule = rig.faults.add(FaultRule.on(rig.members.paths.get(1)));
            IOException w = assertThrows(IOException.class, () -> write(rig.array, bad, pattern(4096, 1), 0));
            assertTrue(w.getMessage().contains("input/output error"), w.getMessage());
            IOException r = assertThrows(IOException.class, () -> read(rig.array, bad, 4096));
            assertTrue(r.getMessage().contains("input/output error"), r.getMessage());
            // A request that spans a good and a failed member fails as a whole.
            long span = bad - 4096;
            assertNotEquals(1, rig.layout.member(span, 0), "the span starts on a good member");
            assertThrows(IOException.class, () -> write(rig.array, span, pattern(8192, 2), 0));
            byte[] data = pattern(8192, 3);
            write(rig.array, good, data, 0);
            assertArrayEquals(data, read(rig.array, good, 8192));
            assertArrayEquals(data, rig.disk(0).bytes(rig.memberOffset(good, 0), 8192));
            assertTrue(rule.injected() >= 3);
            for (int i = 0; i < disks; i++) {
                assertEquals(MemberState.IN_SYNC, rig.open.member(i).state(), "no redundancy: nothing to fail");
            }
        }
    }

    @Test
    void raid1ReadErrorIsRetriedOnTheOtherMirrorAndTheBadBlockRewritten() throws IOException {
        try (Rig rig = new Rig("raid1", 2, 0)) {
            long at = 1 << 20;
            byte[] data = pattern(65536, 4);
            write(rig.array, at, data, 0);
            int first = rig.layout.member(at, 0); // the least-busy choice when both are idle
            long where = rig.memberOffset(at, 0);
            rig.disk(first).put(where, pattern(65536, 666)); // the bad block's bytes are garbage
            FaultRule rule = rig.faults.add(FaultRule.on(rig.members.paths.get(first)).reads().range(where, 65536));
            assertArrayEquals(data, read(rig.array, at, 65536), "served from the other mirror");
            assertEquals(1, rule.injected());
            assertArrayEquals(data, rig.disk(first).bytes(where, 65536), "bad block rewritten from the good copy");
            assertEquals(MemberState.IN_SYNC, rig.open.member(first).state(), "a repaired read error is not a failure");
            assertTrue(rig.open.member(first).errors() > 0, "the read error was counted");
        }
    }

    @Test
    void raid1MemberIsFailedWhenTheRewriteFails() throws IOException {
        try (Rig rig = new Rig("raid1", 2, 0)) {
            long at = 2 << 20;
            byte[] data = pattern(16384, 5);
            write(rig.array, at, data, 0);
            int first = rig.layout.member(at, 0);
            long where = rig.memberOffset(at, 0);
            long eventsBefore = rig.array.events();
            rig.faults.add(FaultRule.on(rig.members.paths.get(first)).reads().writes().range(where, 16384));
            assertArrayEquals(data, read(rig.array, at, 16384));
            assertEquals(MemberState.FAULTY, rig.open.member(first).state());
            assertTrue(rig.array.events() > eventsBefore);
            assertArrayEquals(data, read(rig.array, at, 16384), "still served degraded");
        }
    }

    @Test
    void flushReachesEveryMemberAndSurvivesAPowerCut() throws Exception {
        byte[] flushed = pattern(1 << 20, 6);
        byte[] unflushed = pattern(65536, 7);
        Backend.Memory members;
        try (Rig rig = new Rig("raid10", 4, 64)) {
            members = rig.members;
            write(rig.array, 0, flushed, 0);
            long[] flushesBefore = new long[4];
            for (int i = 0; i < 4; i++) {
                assertTrue(rig.disk(i).unflushedBytes() > 0, "member " + i + " holds unflushed writes");
                flushesBefore[i] = rig.disk(i).flushes();
            }
            BlockingIo.flush(rig.array);
            for (int i = 0; i < 4; i++) {
                assertEquals(0, rig.disk(i).unflushedBytes(), "member " + i + " flushed");
                assertTrue(rig.disk(i).flushes() > flushesBefore[i]);
            }
            write(rig.array, 2 << 20, unflushed, 0);
            rig.faults.powerCut();
        }
        try (OpenArray again = Assembler.assemble(members.paths, AssembleOptions.DEFAULT, members.engine())) {
            assertArrayEquals(flushed, read(again.array(), 0, flushed.length), "flushed data survives");
            assertNotEquals(java.util.Arrays.hashCode(unflushed),
                    java.util.Arrays.hashCode(read(again.array(), 2 << 20, unflushed.length)),
                    "this engine really drops unflushed writes (else the test above proves nothing)");
        }
    }

    @Test
    void fuaWriteIsDurableOnEveryCopyBeforeItCompletes() throws IOException {
        try (Rig rig = new Rig("raid1", 2, 0)) {
            byte[] fua = pattern(8192, 8);
            byte[] plain = pattern(8192, 9);
            write(rig.array, 0, fua, BlockTarget.FUA);
            write(rig.array, 65536, plain, 0);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(fua, rig.disk(i).durableBytes(rig.dataOffset, 8192), "FUA copy on member " + i);
                assertFalse(java.util.Arrays.equals(plain, rig.disk(i).durableBytes(rig.dataOffset + 65536, 8192)),
                        "a plain write is not durable before a flush");
            }
        }
    }
}
