package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearLayoutTest {

    private static final int[] ROUNDINGS = {0, 4096, 8192, 64 << 10, 512 << 10};

    /** Uneven member sizes, in sectors so that some are not whole 4 KiB blocks. */
    private static long[] unevenMembers(int disks, long base) {
        long[] sizes = new long[disks];
        for (int i = 0; i < disks; i++) {
            sizes[i] = base + (long) ((i * 7919) % 13) * (96 << 10) + (i % 3) * 512L;
        }
        return sizes;
    }

    /** The obvious model: rounds each member as md-linear does, then fills the array member after member. */
    private static Reference.Table walk(long[] sizes, int rounding, int unit) {
        long total = 0;
        for (long s : sizes) {
            total += rounded(s, rounding);
        }
        Reference.Table table = new Reference.Table(total, 1, unit);
        long arrayUnit = 0;
        for (int role = 0; role < sizes.length; role++) {
            for (long at = 0; at < rounded(sizes[role], rounding); at += unit) {
                table.put(arrayUnit++, 0, role, at);
            }
        }
        return table.complete();
    }

    private static long rounded(long size, int rounding) {
        return rounding == 0 ? size : size / rounding * rounding;
    }

    @Test
    void shouldMapEveryBlockLikeTheReferenceWhenMembersAreConcatenated() {
        for (int disks = 1; disks <= 8; disks++) {
            for (int rounding : ROUNDINGS) {
                long[] sizes = unevenMembers(disks, 1 << 20);
                Geometry g = new Geometry(-1, 0, rounding, sizes);
                Layout layout = new LinearLayout(g);
                String ctx = "linear disks=" + disks + " rounding=" + rounding;
                LayoutAssertions.assertExhaustive(layout, walk(sizes, rounding, 512), sizes, 512, ctx);
            }
        }
    }

    @Test
    void shouldMapRandomPiecesLikeTheReferenceWhenMembersAreHuge() {
        Random rnd = new Random(42);
        for (int disks = 1; disks <= 8; disks++) {
            for (int rounding : ROUNDINGS) {
                long[] sizes = unevenMembers(disks, 3L << 40);
                Layout layout = new LinearLayout(new Geometry(-1, 0, rounding, sizes));
                Reference ref = new Reference() {
                    @Override
                    public int member(long off, int copy) {
                        int role = 0;
                        while (off >= rounded(sizes[role], rounding)) {
                            off -= rounded(sizes[role++], rounding);
                        }
                        return role;
                    }

                    @Override
                    public long memberOffset(long off, int copy) {
                        int role = 0;
                        while (off >= rounded(sizes[role], rounding)) {
                            off -= rounded(sizes[role++], rounding);
                        }
                        return off;
                    }
                };
                LayoutAssertions.assertRandomPieces(layout, ref, sizes, rnd, 500,
                        "linear disks=" + disks + " rounding=" + rounding);
            }
        }
    }

    @Test
    void shouldRoundEachMemberDownToTheChunkLikeMdLinear() {
        long[] sizes = {10 * 4096 + 512, 3 * 4096, 8192};
        LinearLayout rounded = new LinearLayout(new Geometry(-1, 0, 8192, sizes));
        assertEquals(10 * 4096 + 8192 + 8192, rounded.arraySize());
        assertEquals(8192, rounded.usedBytes(1));
        LinearLayout whole = new LinearLayout(new Geometry(-1, 0, 0, sizes));
        assertEquals(10 * 4096 + 512 + 3 * 4096 + 8192, whole.arraySize());
        assertEquals(2, whole.member(whole.arraySize() - 1, 0));
        assertEquals(8191, whole.memberOffset(whole.arraySize() - 1, 0));
    }

    @Test
    void shouldSkipMembersThatRoundToNothing() {
        long[] sizes = {8192, 4096, 8192};
        LinearLayout layout = new LinearLayout(new Geometry(-1, 0, 8192, sizes));
        assertEquals(16384, layout.arraySize());
        assertEquals(0, layout.member(8191, 0));
        assertEquals(2, layout.member(8192, 0));
        assertEquals(0, layout.memberOffset(8192, 0));
        assertEquals(8192, layout.bytesToBoundary(8192));
        LayoutAssertions.assertExhaustive(layout, walk(sizes, 8192, 4096), sizes, 4096, "linear with empty member");
    }

    @Test
    void shouldRefuseRoundingThatIsNotWholeSectors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LinearLayout(new Geometry(-1, 0, 1000, new long[]{1 << 20})));
        assertEquals("linear rounding (chunk) must be 0 or a multiple of 512 bytes: 1000", e.getMessage());
    }

    @Test
    void shouldRefuseMembersThatAreNotWholeSectors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LinearLayout(new Geometry(-1, 0, 0, new long[]{1 << 20, 1000})));
        assertEquals("linear member 1 size must be a non-negative multiple of 512 bytes: 1000", e.getMessage());
    }

    @Test
    void shouldRefuseAnotherLevelsGeometry() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LinearLevel().layout(Geometry.uniform(0, 0, 4096, 2, 1 << 20)));
        assertEquals("linear cannot lay out a geometry of md level 0", e.getMessage());
    }

    @Test
    void shouldRefuseNoMembers() {
        assertThrows(IllegalArgumentException.class, () -> new LinearLayout(new Geometry(-1, 0, 0, new long[0])));
    }
}
