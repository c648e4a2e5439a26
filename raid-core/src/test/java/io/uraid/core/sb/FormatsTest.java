package io.uraid.core.sb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** mdadm's number and name formats, the bitmap superblock codec and formatter corner cases. */
class FormatsTest {

    @Test
    void humanSizeLikeMdadm() {
        assertEquals("", MdNames.humanSize(5000 * 1024L - 1));
        assertEquals(" (8.00 MiB 8.39 MB)", MdNames.humanSize(16384L << 9));
        assertEquals(" (62.00 MiB 65.01 MB)", MdNames.humanSize(126976L << 9));
        assertEquals(" (2.00 GiB 2.15 GB)", MdNames.humanSize(2L << 30));
        assertEquals(" (2.00 TiB 2.20 TB)", MdNames.humanSize(2L << 40));
        assertEquals(" (9.94 MiB 10.42 MB)", MdNames.humanSize(10176L << 10));
    }

    @Test
    void raid10LayoutText() {
        assertEquals(" near=2", MdNames.raid10Layout(0x102));
        assertEquals(" far=2", MdNames.raid10Layout(0x201));
        assertEquals(" offset=2", MdNames.raid10Layout(0x10201));
        assertEquals(" near=2, far=2", MdNames.raid10Layout(0x202));
        assertEquals("NO REDUNDANCY", MdNames.raid10Layout(0x101));
    }

    @Test
    void bitmapSuperblockRoundTripAndLayout() {
        byte[] uuid = MdUuid.random();
        BitmapSuperblock bm = BitmapSuperblock.builder().uuid(uuid).events(42).eventsCleared(40).syncSize(253952)
                .state(BitmapSuperblock.STATE_STALE).chunkSize(64 << 20).daemonSleep(5).writeBehind(256)
                .sectorsReserved(16).clusterName("c1").build();
        byte[] bytes = bm.encode();
        assertEquals(256, bytes.length);
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x6d746962, le.getInt(0));
        assertEquals("bitm", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(4, le.getInt(4));
        assertEquals(42, le.getLong(24));
        assertEquals(40, le.getLong(32));
        assertEquals(253952, le.getLong(40));
        assertEquals(2, le.getInt(48));
        assertEquals(64 << 20, le.getInt(52));
        assertEquals(5, le.getInt(56));
        assertEquals(256, le.getInt(60));
        assertEquals(16, le.getInt(64));
        BitmapSuperblock back = BitmapSuperblock.decode(ByteBuffer.wrap(bytes));
        assertEquals(bm, back);
        assertArrayEquals(uuid, back.uuid());
        assertEquals("c1", back.clusterName());
        assertTrue(back.valid());
        assertTrue(back.matches(uuid));
        assertFalse(back.matches(new byte[16]));
        assertEquals(2, back.bits());
        assertEquals(4096, back.onDiskBytes(4096));
        assertEquals(512, back.onDiskBytes(512));
        assertFalse(BitmapSuperblock.decode(ByteBuffer.allocate(256)).valid());
    }

    @Test
    void replacementAndJournalRolesAndReshape() {
        MdSuperblock base = MdSuperblockTest.sample();
        MdSuperblock repl = base.with(b -> b.featureMap(MdConstants.FEATURE_REPLACEMENT).devRoles(0, 1, 1, 3)
                .devNumber(2));
        String text = ExamineFormatter.format(repl, "d", 131072, null, ZoneOffset.UTC, null);
        assertTrue(text.contains("   Device Role : Replacement device 1\n"), text);
        assertTrue(text.contains("   Array State : AR.A ("), text);
        MdSuperblock shrink = base.with(b -> b.featureMap(MdConstants.FEATURE_RESHAPE_ACTIVE).deltaDisks(-1)
                .newLevel(10).newLayout(0x102).newChunk(1024).reshapePosition(2048));
        String r = ExamineFormatter.format(shrink, "d", 131072, null, ZoneOffset.UTC, "host");
        assertTrue(r.contains("  Delta Devices : -1 (5->4)\n"), r);
        assertTrue(r.contains("   Array State : AAAA. ("), r);
        assertTrue(r.contains("           Name : host:data  (local to host host)\n"), r);
        assertTrue(ExamineJson.of(repl, "d", 131072, null).contains("\"replacement\":true"));
    }
}
