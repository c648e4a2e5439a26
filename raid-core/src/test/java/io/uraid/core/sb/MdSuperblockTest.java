package io.uraid.core.sb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Codec tests of the v1 superblock that need neither mdadm nor the interop images. */
class MdSuperblockTest {

    static MdSuperblock sample() {
        return MdSuperblock.builder().setUuid(MdUuid.parse("00112233-44556677-8899aabb-ccddeeff"))
                .setName("host", "data").ctime(Instant.parse("2025-01-02T03:04:05.678901Z"))
                .utime(Instant.parse("2025-01-03T00:00:00Z")).level(10).layout(0x102).size(126976).chunkSize(1024)
                .raidDisks(4).dataOffset(4096).dataSize(126976).superOffset(8).devNumber(2)
                .deviceUuid(MdUuid.parse("ffeeddcc:bbaa9988:77665544:33221100")).badBlockLog(0, 8, 16).events(7)
                .devRoles(0, 1, 2, 3).build();
    }

    /** An independent, plain statement of calc_sb_1_csum to check the codec against. */
    static int referenceChecksum(byte[] block) {
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        int size = 256 + 2 * b.getInt(220);
        long sum = 0;
        for (int i = 0; i + 4 <= size; i += 4) {
            sum += i == 216 ? 0 : Integer.toUnsignedLong(b.getInt(i));
        }
        if (size % 4 == 2) {
            sum += Short.toUnsignedInt(b.getShort(size - 2));
        }
        return (int) ((sum & 0xffffffffL) + (sum >>> 32));
    }

    @Test
    void encodeDecodeRoundTrip() {
        MdSuperblock sb = sample();
        byte[] block = sb.encode();
        assertEquals(4096, block.length);
        MdSuperblock back = MdSuperblock.decode(ByteBuffer.wrap(block));
        assertEquals(sb, back);
        assertArrayEquals(block, back.encode());
        assertTrue(back.checksumValid());
        assertEquals("host:data", back.setName());
        assertEquals("00112233:44556677:8899aabb:ccddeeff", MdUuid.format(back.setUuid()));
        assertEquals(10, back.level());
        assertEquals(0x102, back.layout());
        assertEquals(126976, back.size());
        assertEquals(1024, back.chunkSize());
        assertEquals(4, back.raidDisks());
        assertEquals(2, back.devNumber());
        assertEquals(2, back.role());
        assertEquals(7, back.events());
        assertEquals(16, back.bblogOffset());
        assertEquals(128, back.maxDev());
        assertEquals(MdConstants.ROLE_SPARE, back.devRole(4));
        assertEquals(MdConstants.RESYNC_DONE, back.resyncOffset());
        assertEquals(Instant.parse("2025-01-02T03:04:05.678901Z"), back.creationTime());
    }

    @Test
    void littleEndianLayoutAtMdsOffsets() {
        ByteBuffer b = ByteBuffer.wrap(sample().encode()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa92b4efc, b.getInt(0));
        assertEquals(1, b.getInt(4));
        assertEquals(10, b.getInt(72));
        assertEquals(126976, b.getLong(80));
        assertEquals(1024, b.getInt(88));
        assertEquals(4096, b.getLong(128));
        assertEquals(8, b.getLong(144));
        assertEquals(2, b.getInt(160));
        assertEquals(16, b.getInt(188));
        assertEquals(8, b.getShort(186));
        assertEquals(7, b.getLong(200));
        assertEquals(128, b.getInt(220));
        assertEquals(3, b.getShort(256 + 6));
        assertEquals((short) 0xffff, b.getShort(256 + 8));
        assertEquals(0, b.getShort(256 + 256)); // past max_dev: zero, as md leaves it
        // ctime: 40 bits seconds, 24 bits microseconds
        long ctime = b.getLong(64);
        assertEquals(Instant.parse("2025-01-02T03:04:05Z").getEpochSecond(), ctime & 0xFF_FFFF_FFFFL);
        assertEquals(678901, ctime >>> 40);
    }

    @Test
    void checksumMatchesMdDefinition() {
        MdSuperblock sb = sample();
        assertEquals(referenceChecksum(sb.encode()), sb.sbCsum());
        MdSuperblock odd = sb.with(b -> b.maxDev(129).devRole(128, 5)); // trailing u16 counts
        assertEquals(referenceChecksum(odd.encode()), odd.expectedChecksum());
        assertNotEquals(sb.sbCsum(), odd.sbCsum());
    }

    @Test
    void wrongStoredChecksumIsReportedNotThrown() {
        MdSuperblock bad = sample().toBuilder().storedChecksum(0x1234).build();
        MdSuperblock read = MdSuperblock.decode(ByteBuffer.wrap(bad.rawBytes()));
        assertFalse(read.checksumValid());
        assertEquals(0x1234, read.sbCsum());
        assertEquals(sample().sbCsum(), read.expectedChecksum());
        assertTrue(MdSuperblock.decode(ByteBuffer.wrap(read.encode())).checksumValid());
    }

    @Test
    void checksumWithOtherFeatureMapEqualsRebuiltBlock() {
        MdSuperblock sb = sample().with(b -> b.featureMap(1).bitmapOffset(8));
        assertEquals(sb.with(b -> b.featureMap(0)).sbCsum(), sb.checksumWithFeatureMap(0));
    }

    @Test
    void withChangesOnlyTheField() {
        MdSuperblock sb = sample();
        MdSuperblock later = sb.withEvents(8).withDevRole(1, MdConstants.ROLE_FAULTY);
        assertEquals(8, later.events());
        assertEquals(MdConstants.ROLE_FAULTY, later.devRole(1));
        assertEquals(7, sb.events());
        assertTrue(later.checksumValid());
        assertEquals("A.AA", ExamineFormatter.arrayState(later, 0));
    }

    @Test
    void mdadmNamingRule() {
        assertEquals("host:data", MdSuperblock.builder().setName("host", "data").build().setName());
        assertEquals("a:b", MdSuperblock.builder().setName("host", "a:b").build().setName());
        String longHost = "h".repeat(28);
        assertEquals("name", MdSuperblock.builder().setName(longHost, "name").build().setName());
        assertEquals("x".repeat(31), MdSuperblock.builder().setName(null, "x".repeat(40)).build().setName());
        assertEquals("y".repeat(32), MdSuperblock.builder().setName("y".repeat(32)).build().setName());
        assertThrows(IllegalArgumentException.class, () -> MdSuperblock.builder().setName("z".repeat(33)));
    }

    @Test
    void rejectsWhatIsNotAV1Superblock() {
        assertThrows(IllegalArgumentException.class, () -> MdSuperblock.decode(ByteBuffer.allocate(4096)));
        byte[] v0 = sample().encode();
        v0[4] = 0; // major version 0
        assertFalse(MdSuperblock.isV1(ByteBuffer.wrap(v0)));
        assertThrows(IllegalArgumentException.class, () -> MdSuperblock.decode(ByteBuffer.wrap(sample().encode(), 0, 300)));
        // 512 bytes are enough for max_dev 128, as mdadm writes only that much
        assertEquals(sample(), MdSuperblock.decode(ByteBuffer.wrap(sample().encode(), 0, 512)));
    }

    @Test
    void decodeReadsAtThePositionWithoutMovingIt() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        buf.position(4096);
        buf.put(sample().encode());
        buf.position(4096);
        assertEquals(sample(), MdSuperblock.decode(buf));
        assertEquals(4096, buf.position());
    }

    @Test
    void timesPrintLikeCtime() {
        long t = Instant.parse("2024-05-01T10:20:30Z").getEpochSecond();
        assertEquals("Wed May  1 10:20:30 2024", MdTime.ctime(t, ZoneOffset.UTC));
        assertEquals("Wed May  1 12:20:30 2024", MdTime.ctime(t, ZoneOffset.ofHours(2)));
        assertEquals(t, MdTime.seconds(MdTime.pack(Instant.ofEpochSecond(t, 999_999_999))));
        assertEquals(999_999, MdTime.micros(MdTime.pack(Instant.ofEpochSecond(t, 999_999_999))));
    }
}
