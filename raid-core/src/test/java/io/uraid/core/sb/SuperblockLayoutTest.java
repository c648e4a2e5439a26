package io.uraid.core.sb;

import static io.uraid.core.sb.SuperblockLayout.Bitmap.AUTO;
import static io.uraid.core.sb.SuperblockLayout.Bitmap.INTERNAL;
import static io.uraid.core.sb.SuperblockLayout.Bitmap.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mdadm 4.2's placement rule, checked against values worked out by hand from super1.c and
 * Create.c (see {@link SuperblockLayout}); the 10 MiB raid0 row is the interop image.
 */
class SuperblockLayoutTest {

    static final long MIB = 2048; // sectors

    @ParameterizedTest(name = "level {0}, {1} disks, {3} MiB, bitmap {2}")
    @CsvSource({
        // level, disks, bitmap, MiB, data_offset, size, bitmap_chunk, bitmap_sectors, bblog_offset
        "0,  1, NONE,     10,      4096,       0,        0,  0,  8",
        "1,  2, NONE,     16,      2048,       30720,    0,  0,  16",
        "1,  2, INTERNAL, 16,      2048,       30720,    64, 8,  16",
        "1,  2, NONE,     64,      2048,       129024,   0,  0,  16",
        "1,  2, INTERNAL, 64,      2048,       129024,   64, 8,  16",
        "10, 4, NONE,     64,      4096,       126976,   0,  0,  16",
        "10, 4, INTERNAL, 64,      4096,       126976,   64, 8,  16",
        "1,  2, NONE,     1024,    4096,       2093056,  0,  0,  16",
        "10, 4, NONE,     1024,    4096,       2093056,  0,  0,  16",
        "1,  2, NONE,     2048,    6144,       4188160,  0,  0,  16",
        "1,  2, NONE,     10240,   18432,      20953088, 0,  0,  136",
        "1,  2, AUTO,     10240,   18432,      20953088, 0,  0,  136",
        "1,  2, AUTO,     307200,  264192,  628881408,   64, 8,  16",
        "5,  3, AUTO,     4194304, 264192, 8589670400,   64, 24, 32",
    })
    void mdadmDefaults(int level, int disks, String bitmap, long mib, long dataOffset, long size, int bitmapChunkMiB,
                       int bitmapSectors, int bblogOffset) {
        SuperblockLayout l = SuperblockLayout.forCreate(level, SuperblockLayout.defaultLayout(level), disks, 0,
                SuperblockLayout.Bitmap.valueOf(bitmap), true, mib * MIB);
        assertEquals(8, l.superOffset());
        assertEquals(dataOffset, l.dataOffset());
        assertEquals(mib * MIB - dataOffset, l.dataSize(mib * MIB));
        assertEquals(size, l.size());
        assertEquals(bitmapChunkMiB << 20, l.bitmapChunkBytes());
        assertEquals(bitmapSectors, l.bitmapSectors());
        assertEquals(bitmapSectors > 0 ? 8 : 0, l.bitmapOffset());
        assertEquals(bitmapSectors > 0 ? MdConstants.FEATURE_BITMAP_OFFSET : 0, l.featureMap());
        assertEquals(bblogOffset, l.bblogOffset());
        assertEquals(8, l.bblogSize());
    }

    @Test
    void headroomIsAboutAThousandthAndAtLeastTwoChunks() {
        assertEquals(128, SuperblockLayout.headroom(64 * MIB, 0));
        assertEquals(2048, SuperblockLayout.headroom(64 * MIB, 512));
        assertEquals(8192, SuperblockLayout.headroom(4096 * MIB, 0)); // 8192·1024 == device sectors: mdadm halves only while strictly greater
        assertEquals(262144, SuperblockLayout.headroom(1 << 30, 0));
        assertEquals(8, SuperblockLayout.chooseBitmapSpace(8L << 21));
        assertEquals(128, SuperblockLayout.chooseBitmapSpace((8L << 21) + 9));
        assertEquals(256, SuperblockLayout.chooseBitmapSpace((200L << 21) + 128));
        assertEquals(0, SuperblockLayout.chooseBitmapSpace(127));
    }

    @Test
    void raid10BitmapCoversTheArray() {
        SuperblockLayout l = SuperblockLayout.forCreate(10, 0x102, 4, 512, INTERNAL, true, 64 * MIB);
        assertEquals(126976L * 4 / 2, l.bitmapSyncSize());
        assertEquals(1024, l.chunkSectors());
        assertEquals(0x102, l.layout());
        BitmapSuperblock bm = l.bitmapSuperblock(new byte[16]);
        assertEquals(2, bm.bits());
        assertEquals(5, bm.daemonSleep());
        assertEquals(4, bm.version());
    }

    @Test
    void sizeFollowsTheSmallestMemberAndDataOffsetTheFirst() {
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, NONE, true, 64 * MIB, 63 * MIB);
        assertEquals(2048, l.dataOffset());
        assertEquals((63 * MIB - 2048) / 2 / 64 * 64 * 2, l.size());
        SuperblockLayout big = SuperblockLayout.forCreate(1, 0, 2, 0, NONE, true, 2048 * MIB, 64 * MIB);
        assertEquals(6144, big.dataOffset());
    }

    @Test
    void raid0RecordsItsLayoutOnlyForUnequalMembers() {
        assertEquals(0, SuperblockLayout.forCreate(0, 1, 2, 512, NONE, true, 64 * MIB, 64 * MIB).featureMap());
        assertEquals(MdConstants.FEATURE_RAID0_LAYOUT,
                SuperblockLayout.forCreate(0, 1, 2, 512, NONE, true, 64 * MIB, 80 * MIB).featureMap());
    }

    @Test
    void withoutBadBlockLogAndOddCases() {
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, NONE, false, 64 * MIB);
        assertEquals(0, l.bblogOffset());
        assertEquals(0, l.bblogSize());
        assertFalse(l.hasBitmap());
        assertThrows(IllegalArgumentException.class, () -> SuperblockLayout.forCreate(0, 1, 2, 512, INTERNAL, true, 64 * MIB));
        assertThrows(IllegalArgumentException.class, () -> SuperblockLayout.forCreate(1, 0, 2, 0, NONE, true, 1000));
        assertTrue(SuperblockLayout.forCreate(1, 0, 2, 0, AUTO, true, 64 * MIB).bitmapOffset() == 0);
    }

    @Test
    void pplLayoutIsMdadmsOneMegabyteLogAfterTheSuperblock() {
        // Seen on members mdadm 4.2 created with --consistency-policy=ppl (4 MiB, 16 MiB):
        // data at 4096, "PPL : 2048 sectors at offset 8", bad-block log at 2056.
        for (long mib : new long[] {4, 16}) {
            SuperblockLayout l = SuperblockLayout.forCreate(5, 2, 4, mib == 4 ? 16 : 64,
                    SuperblockLayout.Bitmap.PPL, true, mib * 2048, mib * 2048, mib * 2048, mib * 2048);
            assertEquals(4096, l.dataOffset());
            assertEquals(8, l.pplOffset());
            assertEquals(2048, l.pplSize());
            assertEquals(2056, l.bblogOffset());
            assertEquals(MdConstants.FEATURE_PPL, l.featureMap());
            assertTrue(l.hasPpl());
            assertFalse(l.hasBitmap());
            MdSuperblock sb = l.applyTo(MdSuperblock.builder(), mib * 2048, 0).build();
            assertEquals(8, sb.pplOffset());
            assertEquals(2048, sb.pplSize());
        }
        assertThrows(IllegalArgumentException.class, () -> SuperblockLayout.forCreate(6, 2, 4, 64,
                SuperblockLayout.Bitmap.PPL, true, 32768, 32768, 32768, 32768));
    }
}
