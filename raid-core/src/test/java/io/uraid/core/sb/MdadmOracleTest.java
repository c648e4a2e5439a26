package io.uraid.core.sb;

import static io.uraid.core.sb.SbTestSupport.MIB;
import static io.uraid.core.sb.SbTestSupport.field;
import static io.uraid.core.sb.SbTestSupport.runMdadm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The real mdadm (4.2 on Debian 12) as the oracle: superblocks uraid encodes are written into
 * sparse member files and {@code mdadm --examine} must read them as intended; and our
 * ExamineFormatter must print exactly what mdadm prints, line for line, for the interop images
 * and for these members. Skipped when mdadm is not installed.
 */
class MdadmOracleTest {

    static final Instant CTIME = Instant.parse("2024-05-01T10:20:30.123456Z");
    static final Instant UTIME = Instant.parse("2024-05-02T11:22:33Z");

    /** A member superblock as mdadm would lay it out, with our identity fields. */
    static MdSuperblock member(SuperblockLayout l, byte[] uuid, String name, int level, int disks,
                               int devNumber, int[] roles, long events, long devSectors) {
        byte[] devUuid = MdUuid.random();
        MdSuperblock.Builder b = MdSuperblock.builder().setUuid(uuid).setName(name).ctime(CTIME).utime(UTIME)
                .level(level).raidDisks(disks).deviceUuid(devUuid).devNumber(devNumber)
                .events(events).devRoles(roles);
        return l.applyTo(b, devSectors, 0).build();
    }

    /** Writes the superblock (and bitmap, all bits set as mdadm does) into a fresh sparse file. */
    static Path writeMember(String file, long bytes, MdSuperblock sb, BitmapSuperblock bitmap, int bitmapSectors)
            throws Exception {
        Path f = SbTestSupport.sparse(file, bytes);
        SbTestSupport.write(f, sb.superOffset() * 512, sb.rawBytes());
        if (bitmap != null) {
            byte[] area = new byte[bitmapSectors * 512];
            Arrays.fill(area, (byte) 0xff);
            System.arraycopy(bitmap.encode(), 0, area, 0, BitmapSuperblock.BYTES);
            SbTestSupport.write(f, (sb.superOffset() + sb.bitmapOffset()) * 512, area);
        }
        return f;
    }

    static String ours(MdSuperblock sb, Path f, BitmapSuperblock bitmap) throws Exception {
        return ExamineFormatter.format(sb, f.toString(), Files.size(f) / 512, bitmap, ZoneOffset.UTC, null);
    }

    @Test
    void raid10FourMembersReadBackByMdadm() throws Exception {
        long dev = 64 * MIB;
        SuperblockLayout l = SuperblockLayout.forCreate(10, 0x102, 4, 512, SuperblockLayout.Bitmap.NONE, true, dev / 512);
        byte[] uuid = MdUuid.random();
        for (int i = 0; i < 4; i++) {
            MdSuperblock sb = member(l, uuid, "uraidtest:r10", 10, 4, i, new int[] {0, 1, 2, 3}, 7, dev / 512);
            Path f = writeMember("r10-" + i + ".img", dev, sb, null, 0);
            String out = runMdadm("--examine", f.toString());
            assertEquals(MdUuid.format(uuid), field(out, "Array UUID"));
            assertEquals("raid10", field(out, "Raid Level"));
            assertEquals("512K", field(out, "Chunk Size"));
            assertEquals("4", field(out, "Raid Devices"));
            assertEquals("near=2", field(out, "Layout"));
            assertEquals("Active device " + i, field(out, "Device Role"));
            assertEquals("7", field(out, "Events"));
            assertEquals(Integer.toHexString(sb.sbCsum()) + " - correct", field(out, "Checksum"));
            assertEquals("4096 sectors", field(out, "Data Offset"));
            assertEquals("126976 sectors (62.00 MiB 65.01 MB)", field(out, "Avail Dev Size"));
            assertEquals("AAAA ('A' == active, '.' == missing, 'R' == replacing)", field(out, "Array State"));
            assertEquals("Wed May  1 10:20:30 2024", field(out, "Creation Time"));
            assertEquals(out, ours(sb, f, null));
        }
    }

    @Test
    void faultyRoleShowsInArrayState() throws Exception {
        long dev = 64 * MIB;
        SuperblockLayout l = SuperblockLayout.forCreate(10, 0x102, 4, 512, SuperblockLayout.Bitmap.NONE, true, dev / 512);
        byte[] uuid = MdUuid.random();
        int[] roles = {0, MdConstants.ROLE_FAULTY, 2, 3};
        for (int i : new int[] {0, 1}) {
            MdSuperblock sb = member(l, uuid, "uraidtest:deg", 10, 4, i, roles, 9, dev / 512);
            Path f = writeMember("deg-" + i + ".img", dev, sb, null, 0);
            String out = runMdadm("--examine", f.toString());
            assertEquals("A.AA ('A' == active, '.' == missing, 'R' == replacing)", field(out, "Array State"));
            // mdadm 4.2 prints a faulty member's own role as "spare".
            assertEquals(i == 0 ? "Active device 0" : "spare", field(out, "Device Role"));
            assertEquals(out, ours(sb, f, null));
        }
    }

    @Test
    void raid1WithInternalBitmapMatchesMdadmIncludingExamineBitmap() throws Exception {
        long dev = 64 * MIB;
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, SuperblockLayout.Bitmap.INTERNAL, true, dev / 512);
        byte[] uuid = MdUuid.random();
        MdSuperblock sb = member(l, uuid, "uraidtest:mirror", 1, 2, 1, new int[] {0, 1}, 3, dev / 512);
        BitmapSuperblock bm = l.bitmapSuperblock(uuid).toBuilder().events(3).eventsCleared(2).build();
        Path f = writeMember("r1-bitmap.img", dev, sb, bm, l.bitmapSectors());
        String out = runMdadm("--examine", f.toString());
        assertEquals("0x1", field(out, "Feature Map"));
        assertEquals("8 sectors from superblock", field(out, "Internal Bitmap"));
        assertEquals("512 entries available at offset 16 sectors", field(out, "Bad Block Log"));
        assertEquals("2048 sectors", field(out, "Data Offset"));
        assertEquals("before=1968 sectors, after=0 sectors", field(out, "Unused Space"));
        assertEquals("64512 KiB (63.00 MiB 66.06 MB)", field(out, "Array Size"));
        assertEquals(out, ours(sb, f, bm));

        // On a plain file mdadm -X reads an external bitmap file (header at offset 0): give it
        // the internal bitmap area copied out, which has the same format.
        Path bmFile = SbTestSupport.sparse("r1-bitmap.bm", l.bitmapSectors() * 512L);
        SbTestSupport.write(bmFile, 0, SbTestSupport.read(f, (sb.superOffset() + sb.bitmapOffset()) * 512,
                l.bitmapSectors() * 512).array());
        String x = runMdadm("--examine-bitmap", bmFile.toString());
        assertEquals("6d746962", field(x, "Magic"));
        assertEquals("4", field(x, "Version"));
        assertEquals(MdUuid.format(uuid), field(x, "UUID"));
        assertEquals("3", field(x, "Events"));
        assertEquals("2", field(x, "Events Cleared"));
        assertEquals("64 MB", field(x, "Chunksize"));
        assertEquals("5s flush period", field(x, "Daemon"));
        assertEquals("64512 (63.00 MiB 66.06 MB)", field(x, "Sync Size"));
        assertTrue(field(x, "Bitmap").startsWith("1 bits (chunks)"), x);
    }

    @Test
    void missingBitmapSuperblockIsJudgedLikeMdadm() throws Exception {
        long dev = 64 * MIB;
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, SuperblockLayout.Bitmap.INTERNAL, true, dev / 512);
        MdSuperblock sb = member(l, MdUuid.random(), "uraidtest:nobm", 1, 2, 0, new int[] {0, 1}, 1, dev / 512);
        Path f = writeMember("r1-nobitmap.img", dev, sb, null, 0);
        String out = runMdadm("--examine", f.toString());
        // mdadm drops the bitmap bit in memory, then finds the checksum "wrong".
        assertEquals("0x0", field(out, "Feature Map"));
        assertTrue(field(out, "Checksum").contains("expected"), out);
        assertEquals(out, ours(sb, f, null));
    }

    @Test
    void corruptChecksumIsReported() throws Exception {
        long dev = 16 * MIB;
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, SuperblockLayout.Bitmap.NONE, true, dev / 512);
        MdSuperblock good = member(l, MdUuid.random(), "uraidtest:bad", 1, 2, 0, new int[] {0, 1}, 5, dev / 512);
        MdSuperblock bad = good.toBuilder().storedChecksum(good.sbCsum() + 1).build();
        Path f = writeMember("r1-badcsum.img", dev, bad, null, 0);
        String out = runMdadm("--examine", f.toString());
        assertEquals(String.format("%x - expected %x", good.sbCsum() + 1, good.sbCsum()), field(out, "Checksum"));
        assertEquals(out, ours(bad, f, null));
    }

    @Test
    void largeMemberGetsMdadmsAutomaticBitmapAndOffsets() throws Exception {
        long dev = 300L << 30; // sparse: nothing but the metadata is written
        SuperblockLayout l = SuperblockLayout.forCreate(1, 0, 2, 0, SuperblockLayout.Bitmap.AUTO, true, dev / 512);
        byte[] uuid = MdUuid.random();
        MdSuperblock sb = member(l, uuid, "uraidtest:big", 1, 2, 0, new int[] {0, 1}, 12, dev / 512);
        BitmapSuperblock bm = l.bitmapSuperblock(uuid);
        Path f = writeMember("r1-300g.img", dev, sb, bm, l.bitmapSectors());
        try {
            String out = runMdadm("--examine", f.toString());
            assertEquals("264192 sectors", field(out, "Data Offset"));
            assertEquals("8 sectors from superblock", field(out, "Internal Bitmap"));
            assertEquals(out, ours(sb, f, bm));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void interopImagesPrintExactlyAsMdadm() throws Exception {
        Path v1 = SbTestSupport.interopImage("mdraid-1.img");
        String mdadm1 = runMdadm("--examine", v1.toString());
        assertEquals(mdadm1, ours(InteropImagesTest.v1(), v1, null));

        Path v0 = SbTestSupport.interopImage("mdraid.img");
        String mdadm0 = runMdadm("--examine", v0.toString());
        // mdadm names table rows by scanning /dev; mimic that for loop devices.
        Examine090Formatter.DeviceNames names = (major, minor) ->
                major == 7 && Files.exists(Path.of("/dev/loop" + minor)) ? "/dev/loop" + minor : null;
        assertEquals(mdadm0, Examine090Formatter.format(InteropImagesTest.v090(), v0.toString(), ZoneOffset.UTC, null, names));
    }
}
