package io.uraid.core.sb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Decodes the two md members in shared/interop (made by the kernel md driver and mdadm) and
 * checks every value their README lists, as mdadm 4.2 reports them.
 */
class InteropImagesTest {

    static MdSuperblock v1() throws Exception {
        return MdSuperblock.decode(SbTestSupport.read(SbTestSupport.interopImage("mdraid-1.img"), 8 * 512, 4096));
    }

    static MdSuper090 v090() throws Exception {
        Path img = SbTestSupport.interopImage("mdraid.img");
        return MdSuper090.decode(SbTestSupport.read(img, MdSuper090.superblockOffset(Files.size(img)), 4096));
    }

    @Test
    void v12MemberDecodesAsMdadmReportsIt() throws Exception {
        MdSuperblock sb = v1();
        assertEquals(0xa92b4efc, sb.magic());
        assertEquals(1, sb.majorVersion());
        assertEquals("1.2", sb.minorVersionName());
        assertEquals(0, sb.featureMap());
        assertEquals("77e61baf:c0b5d7d0:39cf575b:64d4878c", MdUuid.format(sb.setUuid()));
        assertEquals("troy.t-8ch.de:0", sb.setName());
        assertEquals("Sun Sep 11 14:52:11 2022", MdTime.ctime(MdTime.seconds(sb.ctime()), ZoneOffset.UTC));
        assertEquals("Sun Sep 11 14:52:11 2022", MdTime.ctime(MdTime.seconds(sb.utime()), ZoneOffset.UTC));
        assertEquals(0, sb.level());
        assertEquals(1, sb.raidDisks());
        assertEquals(16384, sb.dataSize()); // Avail Dev Size
        assertEquals(4096, sb.dataOffset());
        assertEquals(8, sb.superOffset());
        assertEquals(MdConstants.RESYNC_DONE, sb.resyncOffset()); // State : clean
        assertEquals("379f6ef9:e75a12c1:11f1d883:ff168e1d", MdUuid.format(sb.deviceUuid()));
        assertEquals(8, sb.bblogSize()); // 512 entries
        assertEquals(8, sb.bblogOffset());
        assertEquals(0x49255b39, sb.sbCsum());
        assertTrue(sb.checksumValid());
        assertEquals(0, sb.events());
        assertEquals(1024, sb.chunkSize()); // 512K
        assertEquals(0, sb.devNumber());
        assertEquals(0, sb.role()); // Active device 0
        assertEquals("A", ExamineFormatter.arrayState(sb, 0));
        assertEquals(0, sb.size());
        assertEquals(128, sb.maxDev());
    }

    @Test
    void v12ReencodesByteForByteWithMdsChecksum() throws Exception {
        Path img = SbTestSupport.interopImage("mdraid-1.img");
        byte[] disk = SbTestSupport.read(img, 8 * 512, 4096).array();
        MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(disk));
        assertArrayEquals(disk, sb.encode());
        assertEquals(0x49255b39, sb.expectedChecksum());
        // Dropping the stored checksum and letting encode() recompute it gives md's value.
        MdSuperblock zeroed = sb.toBuilder().storedChecksum(0).build();
        assertFalse(zeroed.checksumValid());
        assertEquals(0x49255b39, MdSuperblock.decode(ByteBuffer.wrap(zeroed.encode())).sbCsum());
    }

    @Test
    void v12RebuiltFromScratchEqualsMdadmsBlock() throws Exception {
        MdSuperblock disk = v1();
        long deviceSectors = Files.size(SbTestSupport.interopImage("mdraid-1.img")) / 512;
        SuperblockLayout layout = SuperblockLayout.forCreate(0, SuperblockLayout.defaultLayout(0), 1, 0, SuperblockLayout.Bitmap.NONE, true, deviceSectors);
        MdSuperblock.Builder b = MdSuperblock.builder().setUuid(disk.setUuid()).setName("troy.t-8ch.de", "0")
                .ctime(disk.ctime()).utime(disk.utime()).level(0).raidDisks(1)
                .deviceUuid(disk.deviceUuid()).devNumber(0).events(0).devRoles(0);
        MdSuperblock rebuilt = layout.applyTo(b, deviceSectors, 0).build();
        assertArrayEquals(disk.rawBytes(), rebuilt.encode());
    }

    @Test
    void v090MemberDecodesAsMdadmReportsIt() throws Exception {
        Path img = SbTestSupport.interopImage("mdraid.img");
        assertEquals(10420224, MdSuper090.superblockOffset(Files.size(img)));
        MdSuper090 sb = v090();
        assertEquals("0.90.00", sb.versionName());
        assertEquals("37c76b91:011a05c5:d30c1fd4:c5c3dbbc", MdUuid.format(sb.uuid()));
        assertEquals(1, sb.level());
        assertEquals(2, sb.raidDisks());
        assertEquals(10176, sb.sizeKiB()); // Used Dev Size 10176 KiB
        assertTrue(sb.clean());
        assertEquals(4, sb.events());
        assertEquals(0xf1752eb, sb.sbCsum());
        assertTrue(sb.checksumValid());
        assertEquals(new MdSuper090.Disk(0, 7, 0, 0, 6), sb.thisDisk()); // this = device 0, active sync
        assertEquals(new MdSuper090.Disk(1, 7, 1, 1, 6), sb.disk(1));
        assertEquals("Wed May 27 12:51:36 2009", MdTime.ctime(sb.ctime(), ZoneOffset.UTC));
        assertEquals(0, sb.mdMinor());
        assertEquals(2, sb.nrDisks());
    }

    @Test
    void probesTellTheGenerationsApart() throws Exception {
        Path v1 = SbTestSupport.interopImage("mdraid-1.img");
        Path v0 = SbTestSupport.interopImage("mdraid.img");
        assertTrue(MdSuperblock.isV1(SbTestSupport.read(v1, 4096, 4096)));
        assertFalse(MdSuper090.is090(SbTestSupport.read(v1, 4096, 4096)));
        ByteBuffer old = SbTestSupport.read(v0, MdSuper090.superblockOffset(Files.size(v0)), 4096);
        assertTrue(MdSuper090.is090(old));
        assertFalse(MdSuperblock.isV1(old));
        assertFalse(MdSuperblock.isV1(SbTestSupport.read(v0, 4096, 4096)));
    }

    @Test
    void jsonCarriesTheIdentity() throws Exception {
        String j = ExamineJson.of(v1(), "/x/mdraid-1.img", 20480, null);
        assertTrue(j.startsWith("{\"schema\":1,\"device\":\"/x/mdraid-1.img\",\"version\":\"1.2\","), j);
        for (String kv : new String[] {"\"uuid\":\"77e61baf:c0b5d7d0:39cf575b:64d4878c\"", "\"name\":\"troy.t-8ch.de:0\"",
                "\"level\":\"raid0\"", "\"raid_disks\":1", "\"chunk_bytes\":524288", "\"events\":0", "\"role\":\"active\"",
                "\"role_index\":0", "\"device_uuid\":\"379f6ef9:e75a12c1:11f1d883:ff168e1d\"", "\"data_offset\":4096",
                "\"data_size\":16384", "\"state\":\"clean\"", "\"checksum\":\"49255b39\"", "\"checksum_ok\":true",
                "\"unused_before\":4016", "\"unused_after\":0", "\"array_state\":\"A\"", "\"bad_block_log_entries\":512"}) {
            assertTrue(j.contains(kv), kv + " missing from " + j);
        }
        String j0 = ExamineJson.of(v090(), "/x/mdraid.img");
        for (String kv : new String[] {"\"version\":\"0.90.00\"", "\"uuid\":\"37c76b91:011a05c5:d30c1fd4:c5c3dbbc\"",
                "\"level\":\"raid1\"", "\"raid_disks\":2", "\"events\":4", "\"role\":\"active\"", "\"role_index\":0",
                "\"state\":\"clean\"", "\"checksum\":\"f1752eb\"", "\"checksum_ok\":true", "\"used_size\":20352"}) {
            assertTrue(j0.contains(kv), kv + " missing from " + j0);
        }
    }
}
