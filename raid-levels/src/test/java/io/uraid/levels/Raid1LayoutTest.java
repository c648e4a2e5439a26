package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Raid1LayoutTest {

    private static long[] uneven(int disks, long base) {
        long[] sizes = new long[disks];
        for (int i = 0; i < disks; i++) {
            sizes[i] = base + ((i * 5L) % 4) * 4096;
        }
        return sizes;
    }

    /** The obvious model: copy c of every block is the same block of role c. */
    private static Reference.Table walk(int disks, long size, int unit) {
        Reference.Table table = new Reference.Table(size, disks, unit);
        for (long u = 0; u < size / unit; u++) {
            for (int c = 0; c < disks; c++) {
                table.put(u, c, c, u * unit);
            }
        }
        return table.complete();
    }

    @Test
    void shouldMapEveryBlockLikeTheReferenceWhenMirroring() {
        for (int disks = 1; disks <= 8; disks++) {
            long[] sizes = uneven(disks, 1 << 20);
            Layout layout = new Raid1Layout(new Geometry(1, 0, 0, sizes));
            String ctx = "raid1 disks=" + disks;
            assertEquals(disks, layout.copies(), ctx);
            assertEquals(1 << 20, layout.arraySize(), ctx);
            LayoutAssertions.assertExhaustive(layout, walk(disks, 1 << 20, 4096), sizes, 4096, ctx);
        }
    }

    @Test
    void shouldMapRandomPiecesLikeTheReferenceWhenMembersAreHuge() {
        Random rnd = new Random(1);
        for (int disks = 1; disks <= 8; disks++) {
            long[] sizes = uneven(disks, 7L << 40);
            Layout layout = new Raid1Layout(new Geometry(1, 0, 0, sizes));
            Reference ref = new Reference() {
                @Override
                public int member(long off, int copy) {
                    return copy;
                }

                @Override
                public long memberOffset(long off, int copy) {
                    return off;
                }
            };
            LayoutAssertions.assertRandomPieces(layout, ref, sizes, rnd, 500, "raid1 disks=" + disks);
        }
    }

    @Test
    void shouldLetAPieceRunToTheEndOfTheArray() {
        Layout layout = new Raid1Layout(Geometry.uniform(1, 0, 0, 2, 1 << 30));
        assertEquals(1 << 30, layout.bytesToBoundary(0));
        assertEquals(4096, layout.bytesToBoundary((1 << 30) - 4096));
    }

    @Test
    void shouldSizeTheArrayAsTheSmallestMember() {
        Layout layout = new Raid1Layout(new Geometry(1, 0, 0, new long[]{3 << 20, 2 << 20, 5 << 20}));
        assertEquals(2 << 20, layout.arraySize());
    }

    @Test
    void shouldRefuseNoMembers() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid1Layout(new Geometry(1, 0, 0, new long[0])));
        assertEquals("raid1 needs at least 1 raid device, got 0", e.getMessage());
    }
}
