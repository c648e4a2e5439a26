package io.uraid.levels.ppl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.core.sb.PplHeader;
import io.uraid.levels.parity.ParityLayout;
import org.junit.jupiter.api.Test;

/**
 * The range of a PPL entry as md's recovery computes it, for the shapes md's log writes and the
 * ones its recovery accepts from other writers (partial parity of a whole chunk).
 */
class EntrySpanTest {
    private static final int CHUNK = 64 * 1024;
    /** 4 disks: 3 data chunks per stripe, 16 stripes. */
    private static final ParityLayout L = ParityLayout.of(5, 2, 4, CHUNK, 16L * CHUNK);

    private static PplHeader.Entry entry(long byteOffset, int pp, int data) {
        return new PplHeader.Entry(byteOffset / 512, pp, data, 0, 0);
    }

    @Test
    void oneDataChunkWrittenCoversItsRowsOnly() {
        long at = L.arrayOffsetOf(5, 1) + 8192; // data 1 of stripe 5, rows 2..3
        EntrySpan s = EntrySpan.of(entry(at, 8192, 8192), L, 512);
        assertEquals(new EntrySpan(at, at + 8192, 1, 8192, 4096), s);
    }

    @Test
    void twoDataChunksWrittenCoverTheSameRowsOfBoth() {
        long at = L.arrayOffsetOf(5, 0) + 4096;
        EntrySpan s = EntrySpan.of(entry(at, 12288, 24576), L, 512);
        assertEquals(2, s.dataDisks());
        assertEquals(12288, s.strip());
        assertEquals(at + CHUNK + 12288, s.last(), "the second chunk's rows end where the first's do");
    }

    @Test
    void aFullStripeWriteHasNoPartialParityAndCoversEveryChunk() {
        long at = L.arrayOffsetOf(2, 0);
        EntrySpan s = EntrySpan.of(entry(at, 0, 3 * 2 * 4096), L, 512); // two rows of every chunk
        assertEquals(new EntrySpan(at, at + 2L * CHUNK + 8192, 3, 8192, 4096), s);
    }

    @Test
    void partialParityOfAWholeChunkCoversDataSizeFromTheFirstSector() {
        long at = L.arrayOffsetOf(7, 0);
        EntrySpan s = EntrySpan.of(entry(at, CHUNK, CHUNK + 4096), L, 512);
        assertEquals(new EntrySpan(at, at + CHUNK + 4096, 3, CHUNK, 4096), s);
    }

    @Test
    void unalignedEndsAreRecoveredSectorBySector() {
        long at = L.arrayOffsetOf(1, 2) + 512;
        EntrySpan s = EntrySpan.of(entry(at, 4096, 4096), L, 512);
        assertEquals(512, s.block());
    }

    @Test
    void aLargerSectorUnitScalesTheDataSector() {
        long at = L.arrayOffsetOf(3, 0);
        EntrySpan s = EntrySpan.of(new PplHeader.Entry(at / 4096, 4096, 4096, 0, 0), L, 4096);
        assertEquals(at, s.first());
        assertEquals(4096, s.block());
    }

    @Test
    void entriesOutsideTheArrayOrWithImpossibleSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EntrySpan.of(entry(L.arraySize(), 4096, 4096), L, 512));
        assertThrows(IllegalArgumentException.class, () -> EntrySpan.of(entry(0, 4096, 5 * 4096), L, 512),
                "five data chunks in a stripe of three");
        assertThrows(IllegalArgumentException.class, () -> EntrySpan.of(entry(0, 0, 0), L, 512));
    }
}
