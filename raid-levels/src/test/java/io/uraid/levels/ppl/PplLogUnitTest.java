package io.uraid.levels.ppl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One log write as md builds it: entries merged by md's rule, checksums, room. */
class PplLogUnitTest {
    private static final int CHUNK = 16384;
    private static final int SIG = 0x12345678;

    private static PplHeader decode(PplLogUnit u) {
        u.seal();
        ByteBuffer b = u.view();
        assertTrue(PplHeader.checksumValid(b));
        return PplHeader.decode(b);
    }

    @Test
    void consecutiveRowsOfTheSameChunksMergeIntoOneEntry() {
        try (PplLogUnit u = new PplLogUnit(SIG, CHUNK, 512, 128 * 1024); NativeBuffer pp = NativeBuffer.allocate(4096)) {
            u.reset(9);
            long stripe = 10L * 3 * CHUNK; // array offset of a stripe of a 4-disk raid5
            long row = 10L * CHUNK;        // its member offset
            for (int i = 0; i < 3; i++) {
                pp.view().put(0, (byte) i);
                u.addRow(row + i * 4096, stripe + 4096 + i * 4096, 2, 1, pp.address());
            }
            u.addRow(row + 3 * 4096, stripe + 3 * 4096, 1, 1, pp.address()); // one chunk only: a new entry
            u.addRow(row + 8 * 4096, stripe + 8 * 4096, 3, 1, 0);            // not the next row; full stripe
            PplHeader h = decode(u);
            assertEquals(SIG, h.signature());
            assertEquals(9, h.generation());
            assertEquals(3, h.entries().size());
            PplHeader.Entry e = h.entries().get(0);
            assertEquals((stripe + 4096) / 512, e.dataSector());
            assertEquals(3 * 4096, e.ppSize());
            assertEquals(3 * 2 * 4096, e.dataSize());
            assertEquals(1, e.parityDisk());
            ByteBuffer bytes = u.view();
            assertEquals(PplHeader.checksumOf(bytes.slice(4096, 3 * 4096)), e.checksum());
            assertEquals(new PplHeader.Entry((stripe + 3 * 4096) / 512, 4096, 4096, 1,
                    PplHeader.checksumOf(bytes.slice(4 * 4096, 4096))), h.entries().get(1));
            assertEquals(new PplHeader.Entry((stripe + 8 * 4096) / 512, 0, 3 * 4096, 1, 0), h.entries().get(2));
            assertEquals(4096 + 4 * 4096, u.bytes());
            assertEquals(2, bytes.get(4096 + 2 * 4096), "partial parity in entry order");
        }
    }

    @Test
    void rowsInAnotherChunkDoNotMerge() {
        try (PplLogUnit u = new PplLogUnit(SIG, CHUNK, 512, 128 * 1024); NativeBuffer pp = NativeBuffer.allocate(4096)) {
            u.reset(1);
            u.addRow(CHUNK - 4096, 3L * CHUNK - 4096, 1, 0, pp.address()); // last row of stripe 0's data 2
            u.addRow(CHUNK, 3L * CHUNK, 1, 0, pp.address());               // first row of stripe 1
            assertEquals(2, decode(u).entries().size());
        }
    }

    @Test
    void theUnitIsFullAtMdsPartialParitySpaceOrEntryCount() {
        try (PplLogUnit u = new PplLogUnit(SIG, CHUNK, 512, 8192); NativeBuffer pp = NativeBuffer.allocate(4096)) {
            u.reset(1);
            u.addRow(0, 0, 1, 0, pp.address());
            u.addRow(CHUNK * 4L, CHUNK * 12L, 1, 0, pp.address());
            assertFalse(u.hasRoom(false));
            assertTrue(u.hasRoom(true), "a full-stripe row needs no partial parity space");
            assertThrows(IllegalStateException.class, () -> u.addRow(CHUNK * 8L, CHUNK * 24L, 1, 0, pp.address()));
            for (int i = 2; i < PplHeader.MAX_ENTRIES; i++) {
                u.addRow(CHUNK * 4L * (i + 1), CHUNK * 12L * (i + 1), 3, 0, 0);
            }
            assertFalse(u.hasRoom(true));
            assertEquals(PplHeader.MAX_ENTRIES, decode(u).entries().size());
            u.reset(2);
            assertTrue(u.isEmpty());
            assertEquals(new PplHeader(SIG, 2, List.of()), decode(u));
            assertArrayEquals(new PplHeader(SIG, 2, List.of()).encode(), bytes(u));
        }
    }

    private static byte[] bytes(PplLogUnit u) {
        byte[] out = new byte[u.bytes()];
        u.view().get(out);
        return out;
    }
}
