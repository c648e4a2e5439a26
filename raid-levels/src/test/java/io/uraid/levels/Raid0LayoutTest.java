package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(3L << 20, layout.usedBytes(0));
        assertEquals(3L << 20, layout.usedBytes(1));
        assertEquals(1, layout.zones());
    }

    /**
     * The obvious model of md's strip zones: zone by zone (each next one over the members still
     * longer than where it starts, in role order), row by row, one chunk per member of the zone;
     * ORIGINAL picks the member by the chunk's number in the array, ALTERNATE by its number in
     * the zone.
     */
    private static Reference.Table zonesWalk(long[] sizes, int chunk, int layoutWord, int unit) {
        long[] rounded = java.util.Arrays.stream(sizes).map(s -> s - s % chunk).toArray();
        long total = 0;
        long start = 0;
        for (long size : java.util.Arrays.stream(rounded).distinct().sorted().toArray()) {
            long from = start;
            total += (size - from) * java.util.Arrays.stream(rounded).filter(r -> r > from).count();
            start = size;
        }
        Reference.Table table = new Reference.Table(total, 1, unit);
        long arrayChunk = 0;
        start = 0;
        for (long size : java.util.Arrays.stream(rounded).distinct().sorted().toArray()) {
            java.util.List<Integer> zone = new java.util.ArrayList<>();
            for (int role = 0; role < sizes.length; role++) {
                if (rounded[role] > start) {
                    zone.add(role);
                }
            }
            long zoneChunk = 0;
            for (long row = 0; row < (size - start) / chunk; row++) {
                for (int k = 0; k < zone.size(); k++) {
                    long pick = layoutWord == Raid0Layout.ORIGINAL ? arrayChunk : zoneChunk;
                    int member = zone.get((int) (pick % zone.size()));
                    for (long at = 0; at < chunk; at += unit) {
                        table.put((arrayChunk * chunk + at) / unit, 0, member, start + row * chunk + at);
                    }
                    arrayChunk++;
                    zoneChunk++;
                }
            }
            start = size;
        }
        return table.complete();
    }

    @Test
    void shouldStripeUnequalMembersInZonesLikeTheReferenceInBothLayouts() {
        long[][] shapes = {
            {5, 3, 8}, {3, 5, 8, 8}, {7, 2, 4, 2, 9}, {4, 6}, {2, 2, 2, 6}, {6, 1, 1, 3},
        };
        for (int layoutWord : new int[]{Raid0Layout.ORIGINAL, Raid0Layout.ALTERNATE}) {
            for (int chunk : new int[]{4096, 12 << 10, 64 << 10}) {
                for (long[] chunks : shapes) {
                    long[] sizes = new long[chunks.length];
                    for (int i = 0; i < sizes.length; i++) {
                        sizes[i] = chunks[i] * chunk + (i * 1024L) % chunk; // tails md's rounding drops
                    }
                    Layout layout = new Raid0Layout(new Geometry(0, layoutWord, chunk, sizes));
                    String ctx = "raid0 layout " + layoutWord + " chunk " + chunk + " members (chunks) "
                            + java.util.Arrays.toString(chunks);
                    assertEquals(java.util.Arrays.stream(chunks).sum() * chunk, layout.arraySize(), ctx);
                    LayoutAssertions.assertExhaustive(layout, zonesWalk(sizes, chunk, layoutWord, 4096), sizes, 4096,
                            ctx);
                }
            }
        }
    }

    @Test
    void shouldPlaceTheSecondZoneDifferentlyInTheTwoLayouts() {
        // Members of 1, 4 and 4 chunks: zone 0 holds array chunks 0..2, zone 1 chunks 3..8 on roles 1 and 2.
        // Array chunk 3 is zone 1's chunk 0: ORIGINAL counts 3 (odd: role 2), ALTERNATE counts 0 (role 1).
        int c = 4096;
        long[] sizes = {1L * c, 4L * c, 4L * c};
        Layout orig = new Raid0Layout(new Geometry(0, Raid0Layout.ORIGINAL, c, sizes));
        Layout alt = new Raid0Layout(new Geometry(0, Raid0Layout.ALTERNATE, c, sizes));
        assertEquals(9L * c, orig.arraySize());
        assertEquals(2, orig.member(3L * c, 0), "ORIGINAL: array chunk 3 is odd, the zone's second member");
        assertEquals(1, alt.member(3L * c, 0), "ALTERNATE: the zone's first chunk on its first member");
        assertEquals(c, orig.memberOffset(3L * c, 0));
        assertEquals(c, alt.memberOffset(3L * c, 0));
    }

    @Test
    void shouldSizeLikeTheKernelDidForMdadmsUnequalArray() {
        // mdadm --create --level=0 --chunk=64 over 20, 27 and 34 MiB devices (data_offset 1 MiB) under
        // Linux 6.1: md0 had 159744 sectors (/sys/block/md0/size).
        long mib = 1 << 20;
        Raid0Layout layout = new Raid0Layout(new Geometry(0, 1, 64 << 10, new long[]{19 * mib, 26 * mib, 33 * mib}));
        assertEquals(159744L * 512, layout.arraySize());
        assertEquals(3, layout.zones());
    }

    @Test
    void shouldRefuseSeveralZonesWithoutARecordedLayoutAsMdDoes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid0Layout(new Geometry(0, 0, 4096, new long[]{8192, 12288, 12288})));
        assertEquals("raid0 members of different sizes make 2 zones, which need layout original (1) or alternate (2);"
                + " this array records none (md refuses it too unless raid0.default_layout is set)", e.getMessage());
        var odd = assertThrows(IllegalArgumentException.class,
                () -> new Raid0Layout(new Geometry(0, 3, 4096, new long[]{8192, 12288, 12288})));
        assertTrue(odd.getMessage().contains("this array records layout 3"), odd.getMessage());
    }

    @Test
    void shouldNeedNoLayoutWhenTheSecondZoneHasOneMember() {
        // md takes RAID0_ORIG_LAYOUT when zone 1 has a single device: the layouts cannot differ there.
        Raid0Layout layout = new Raid0Layout(new Geometry(0, 0, 4096, new long[]{8192, 8192, 20480}));
        assertEquals(2, layout.zones());
        assertEquals(8192 * 3 + 12288, layout.arraySize());
        assertEquals(2, layout.member(24576 + 4096, 0));
        assertEquals(8192 + 4096, layout.memberOffset(24576 + 4096, 0));
    }

    @Test
    void shouldRefuseAMemberSmallerThanOneChunk() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Raid0Layout(new Geometry(0, 1, 8192, new long[]{8192, 4096})));
        assertEquals("raid0 member 1 holds less than one chunk (4096 bytes)", e.getMessage());
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
