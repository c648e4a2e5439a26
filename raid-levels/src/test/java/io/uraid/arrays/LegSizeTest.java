package io.uraid.arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.testing.RecordingEngine;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Legs are no longer than the smallest transfer limit among the members (the largest I/O a
 * member takes without the kernel splitting it), and a request cut that way still reads back whole.
 */
class LegSizeTest {
    private static final long MEMBER = 8L << 20;

    @ParameterizedTest(name = "{0} x{1}, member limit {2}")
    @CsvSource({"raid1,2,65536", "raid10,4,32768", "raid0,2,61440"})
    void legsRespectTheSmallestMemberLimit(String level, int disks, int limit) throws Exception {
        MemoryMembers mm = new MemoryMembers("legs-" + level, disks, MEMBER);
        mm.create(level, disks, BitmapMode.NONE, 0);
        mm.disks[disks - 1].maxTransferBytes(limit); // one member with a small queue is enough
        RecordingEngine rec = new RecordingEngine(mm.engine(), new AtomicLong());
        byte[] data = Redundant.pattern(4096, 3 << 20, 7);
        try (OpenArray open = Assembler.assemble(mm.paths, AssembleOptions.DEFAULT.withRun(true), rec)) {
            long dataOffset = open.member(0).dataOffset();
            Redundant.write(open.array(), 4096, data);
            long dataWrites = rec.log().stream().filter(e -> e.offset >= dataOffset).count();
            long longest = rec.log().stream().filter(e -> e.offset >= dataOffset).mapToLong(e -> e.length).max()
                    .orElse(0);
            assertTrue(dataWrites > 0, "the write reached the members");
            assertEquals(limit / 4096 * 4096, longest, "longest member write");
            assertArrayEquals(data, Redundant.read(open.array(), 4096, data.length));
        }
    }
}
