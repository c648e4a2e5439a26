package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Raid0LayoutTest {

    /** Power-of-two chunks as mdadm makes them, and 12 KiB: md's raid0 also runs non-power-of-two chunks. */
    private static final int[] CHUNKS = {4096, 8192, 64 << 10, 512 << 10, 12 << 10};

    /** Members of {@code chunks} whole chunks plus a different tail each, which md's rounding drops. */
    private static long[] members(int disks, int chunk, long chunks) {
        long[] sizes = new long[disks];
        for (int i = 0; i < disks; i++) {
            sizes[i] = chunks * chunk + (i * 512L) % chunk;
        }
        return sizes;
    }

    /** The obvious model: fill the array row by row, one chunk from each member in role order. */
    private static Reference.Table walk(int disks, int chunk, long rows, int unit) {
        Reference.Table table = new Reference.Table(rows * disks * chunk, 1, unit);
        long arrayUnit = 0;
        for (long row = 0; row < rows; row++) {
            for (int disk = 0; disk < disks; disk++) {
                for (long at = 0; at < chunk; at += unit) {
                    table.put(arrayUnit++, 0, disk, row * chunk + at);
                }
            }
        }
        return table.complete();
    }

    @Test
    void shouldMapEveryBlockLikeTheReferenceWhenStripingEqualMembers() {
        for (int disks = 1; disks <= 8; disks++) {
            for (int chunk : CHUNKS) {
                long rows = chunk >= (512 << 10) ? 3 : 9;
                long[] sizes = members(disks, chunk, rows);
                Layout layout = new Raid0Layout(new Geometry(0, 1, chunk, sizes));
                String ctx = "raid0 disks=" + disks + " chunk=" + chunk;
                assertEquals(rows * chunk * disks, layout.arraySize(), ctx);
                LayoutAssertions.assertExhaustive(layout, walk(disks, chunk, rows, 4096), sizes, 4096, ctx);
            }
        }
    }

    @Test
    void shouldMapRandomPiecesLikeTheReferenceWhenMembersAreHuge() {
        Random rnd = new Random(7);
        for (int disks = 1; disks <= 8; disks++) {
            for (int chunk : CHUNKS) {
                long[] sizes = members(disks, chunk, (5L << 40) / chunk + 3);
                Layout layout = new Raid0Layout(new Geometry(0, 0, chunk, sizes));
                int n = disks;
                Reference ref = new Reference() {
                    @Override
                    public int member(long off, int copy) {
                        return (int) (off / chunk % n);
                    }

                    @Override
                    public long memberOffset(long off, int copy) {
                        long stripe = off / ((long) chunk * n);
                        return stripe * chunk + off % chunk;
                    }
                };
                LayoutAssertions.assertRandomPieces(layout, ref, sizes, rnd, 500,
                        "raid0 disks=" + disks + " chunk=" + chunk);
            }
        }
    }

    @Test
    void shouldSizeTheArrayAsMembersRoundedToTheChunk() {
        Raid0Layout layout = new Raid0Layout(new Geometry(0, 1, 512 << 10, new long[]{(3L << 20) + 4096, 3L << 20}));
        assertEquals(6L << 20, layout.arraySize());
        assertEquals(3L << 20, layout.usedBytesPerMember());
    }

    @Test
    void shouldMatchTheMdadmSampleWhenOneMemberHoldsEverything() {
        // ../interop/mdraid-1.img: raid0, 1 device, 512K chunk, data_size 16384 sectors.
        Layout layout = new Raid0Level().layout(new Geometry(0, 1, 512 << 10, new long[]{16384L * 512}));
        assertEquals(16384L * 512, layout.arraySize());
        assertEquals(0, layout.member(5_000_000, 0));
        assertEquals(5_000_000, layout.memberOffset(5_000_000, 0));
    }

    @Test
    void shouldRefuseMembersThatWouldNeedSeveralZones() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid0Layout(new Geometry(0, 1, 4096, new long[]{8192, 8192, 12288})));
        assertEquals("raid0 members must be equal after rounding to the chunk size", e.getMessage());
    }

    @Test
    void shouldRefuseChunksThatAreNotWholeBlocks() {
        for (int chunk : new int[]{0, 2048, 6144, -4096}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new Raid0Layout(Geometry.uniform(0, 1, chunk, 2, 1 << 20)));
            assertEquals("raid0 chunk must be a positive multiple of 4096 bytes: " + chunk, e.getMessage());
        }
    }

    @Test
    void shouldRefuseNoMembers() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid0Layout(new Geometry(0, 1, 4096, new long[0])));
        assertEquals("raid0 needs at least 1 raid device, got 0", e.getMessage());
    }
}
