package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Raid10LayoutTest {

    private static final int[] CHUNKS = {4096, 8192, 64 << 10, 512 << 10};

    /** n2 n3 n4, f2 f3, o2 o3, then far-set variants: f2/f3 in sets of near*far, o3 likewise, f2 in sets of disks/far. */
    static final int[] LAYOUTS = {0x102, 0x103, 0x104, 0x201, 0x301, 0x10201, 0x10301, 0x40201, 0x40301, 0x50301,
        0x20201};

    /** Whether md (and uraid) accept the layout on this many disks. */
    static boolean fits(int layout, int disks) {
        int near = layout & 0xff;
        int far = (layout >> 8) & 0xff;
        boolean unsafeSets = layout >> 17 == 1 && disks / far < far;
        return near * far <= disks && !unsafeSets;
    }

    @Test
    void shouldMapEveryBlockLikeTheReferenceWhenLayoutsVary() {
        for (int disks = 2; disks <= 8; disks++) {
            for (int layout : LAYOUTS) {
                if (!fits(layout, disks)) {
                    continue;
                }
                for (int chunk : CHUNKS) {
                    for (long devChunks : new long[]{7, 2L * disks + 1}) {
                        long member = devChunks * chunk + 4096;
                        long[] sizes = Geometry.uniform(10, layout, chunk, disks, member).memberBytes();
                        Layout l = new Raid10Layout(new Geometry(10, layout, chunk, sizes));
                        Raid10Model model = new Raid10Model(layout, disks, chunk, member);
                        String ctx = String.format("raid10 layout=0x%x disks=%d chunk=%d devChunks=%d", layout, disks,
                                chunk, devChunks);
                        assertEquals(model.arraySize(), l.arraySize(), ctx);
                        LayoutAssertions.assertExhaustive(l, model.walk(4096), sizes, 4096, ctx);
                    }
                }
            }
        }
    }

    @Test
    void shouldMapRandomPiecesLikeTheReferenceWhenMembersAreHuge() {
        Random rnd = new Random(10);
        for (int disks = 2; disks <= 8; disks++) {
            for (int layout : LAYOUTS) {
                if (!fits(layout, disks)) {
                    continue;
                }
                for (int chunk : new int[]{4096, 512 << 10}) {
                    long member = (3L << 40) + 5L * chunk + 512;
                    long[] sizes = Geometry.uniform(10, layout, chunk, disks, member).memberBytes();
                    Layout l = new Raid10Layout(new Geometry(10, layout, chunk, sizes));
                    Raid10Model model = new Raid10Model(layout, disks, chunk, member);
                    String ctx = String.format("raid10 layout=0x%x disks=%d chunk=%d", layout, disks, chunk);
                    assertEquals(model.arraySize(), l.arraySize(), ctx);
                    LayoutAssertions.assertRandomPieces(l, model, sizes, rnd, 200, ctx);
                }
            }
        }
    }

    /** Role of every copy of the first chunks, laid out as rows of md(4)-style diagrams. */
    private static int[][] grid(int layout, int disks, int rows, long devChunks) {
        int chunk = 4096;
        Layout l = new Raid10Layout(Geometry.uniform(10, layout, chunk, disks, devChunks * chunk));
        int[][] g = new int[rows][disks];
        for (long k = 0; k < l.arraySize() / chunk; k++) {
            for (int c = 0; c < l.copies(); c++) {
                long row = l.memberOffset(k * chunk, c) / chunk;
                if (row < rows) {
                    g[(int) row][l.member(k * chunk, c)] = (int) k + 1;
                }
            }
        }
        return g;
    }

    @Test
    void shouldPlaceNearCopiesLikeMdManPageWhenThreeDisksHoldTwoCopies() {
        int[][] expected = {{1, 1, 2}, {2, 3, 3}, {4, 4, 5}, {5, 6, 6}};
        assertArrayEquals(expected, grid(0x102, 3, 4, 4));
    }

    @Test
    void shouldPlaceFarCopiesInTheSecondHalfShiftedByOneDiskWhenLayoutIsF2() {
        int[][] expected = {{1, 2, 3, 4}, {5, 6, 7, 8}, {4, 1, 2, 3}, {8, 5, 6, 7}};
        assertArrayEquals(expected, grid(0x201, 4, 4, 4));
    }

    @Test
    void shouldPlaceOffsetCopiesInTheNextRowShiftedByOneDiskWhenLayoutIsO2() {
        int[][] expected = {{1, 2, 3, 4}, {4, 1, 2, 3}, {5, 6, 7, 8}, {8, 5, 6, 7}};
        assertArrayEquals(expected, grid(0x10201, 4, 4, 4));
    }

    @Test
    void shouldSizeTheArrayAsMdRaid10SizeDoes() {
        int chunk = 512 << 10;
        // n2 on 3 disks of 1024 chunks (+ a tail md ignores): 1024 * 3 / 2 chunks.
        Raid10Layout n2 = new Raid10Layout(Geometry.uniform(10, 0x102, chunk, 3, 1024L * chunk + 65536));
        assertEquals(1536L * chunk, n2.arraySize());
        assertEquals(1024L * chunk, n2.usedBytesPerMember());
        // f2 on 4 disks of 1001 chunks: sections of 500 rows, 2000 chunks, far copies 500 rows down.
        Raid10Layout f2 = new Raid10Layout(Geometry.uniform(10, 0x201, chunk, 4, 1001L * chunk));
        assertEquals(2000L * chunk, f2.arraySize());
        assertEquals(1000L * chunk, f2.usedBytesPerMember());
        assertEquals(1, f2.member(0, 1));
        assertEquals(500L * chunk, f2.memberOffset(0, 1));
        // n2 on 5 disks of 3 chunks: 7 chunks, 14 slots over 5 disks, so every disk uses 3 chunks.
        Raid10Layout odd = new Raid10Layout(Geometry.uniform(10, 0x102, chunk, 5, 3L * chunk));
        assertEquals(7L * chunk, odd.arraySize());
        assertEquals(3L * chunk, odd.usedBytesPerMember());
    }

    @Test
    void shouldUseTheSmallestMemberAsMdDevSectors() {
        Raid10Layout l = new Raid10Layout(new Geometry(10, 0x102, 4096, new long[]{40960, 16384, 65536, 40960}));
        assertEquals(4 * 4 * 4096 / 2, l.arraySize());
    }

    @Test
    void shouldRefuseChunksMdRaid10Refuses() {
        for (int chunk : new int[]{0, 2048, 12288, -4096}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new Raid10Layout(Geometry.uniform(10, 0x102, chunk, 4, 1 << 20)));
            assertEquals("raid10 chunk must be a power of two of at least 4096 bytes: " + chunk, e.getMessage());
        }
    }

    @Test
    void shouldRefuseMoreCopiesThanDisks() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid10Layout(Geometry.uniform(10, 0x103, 4096, 2, 1 << 20)));
        assertEquals("raid10 layout 0x103 keeps 3 copies but there are only 2 raid devices", e.getMessage());
    }

    @Test
    void shouldRefuseSingleCopyLayouts() {
        var single = assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(0x101, 4));
        assertEquals("raid10 layout 0x101 keeps a single copy; md needs at least 2", single.getMessage());
        var zeroFar = assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(0x002, 4));
        assertEquals("raid10 layout 0x2 has zero near or far copies", zeroFar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(0x200, 4));
    }

    @Test
    void shouldRefuseLayoutWordsMdRefuses() {
        for (int word : new int[]{0x60201, 0x80201, -1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(word, 4));
            assertEquals(String.format("not a valid raid10 layout: 0x%x", word), e.getMessage());
        }
    }

    @Test
    void shouldRefuseMixedNearAndFarCopies() {
        var e = assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(0x10202, 5));
        assertEquals("raid10 layout 0x10202 mixes near and far/offset copies, which uraid does not support",
                e.getMessage());
    }

    @Test
    void shouldRefuseFarSetsThatPutCopiesOnOneDisk() {
        var e = assertThrows(IllegalArgumentException.class, () -> Raid10Shape.of(0x20301, 6));
        assertEquals("raid10 layout 0x20301 puts copies on the same disk with 6 raid devices", e.getMessage());
    }

    @Test
    void shouldNameLayoutsAsMdadmDoes() {
        assertEquals("n2", Raid10Shape.of(0x102, 2).toString());
        assertEquals("f3", Raid10Shape.of(0x301, 3).toString());
        assertEquals("o2", Raid10Shape.of(0x10201, 2).toString());
        assertEquals(2, Raid10Shape.of(0x40201, 5).farSetSize(), "sets of near * far disks");
        assertEquals(3, Raid10Shape.of(0x20201, 6).farSetSize(), "sets of disks / far");
        assertEquals(6, Raid10Shape.of(0x10201, 6).farSetSize(), "one set of every disk");
    }
}
