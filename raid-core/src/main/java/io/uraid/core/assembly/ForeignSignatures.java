package io.uraid.core.assembly;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Recognises what already lives on a device — a RAID superblock, a file system, a partition
 * table, LVM, swap, LUKS — from its first and last bytes, so create never overwrites it
 * without {@code --force}. The checks are the well-known magic numbers at fixed offsets (as
 * blkid knows them); a false "nothing found" is possible for exotic formats, a false positive
 * is not.
 */
public final class ForeignSignatures {
    /** Bytes of the device start to pass to {@link #detect}. */
    public static final int HEAD_BYTES = 72 * 1024;
    /** Bytes of the device end to pass to {@link #detect} (md 0.90/1.0 superblocks live there). */
    public static final int TAIL_BYTES = 128 * 1024;

    private static final int MD_MAGIC = 0xa92b4efc;

    private ForeignSignatures() {
    }

    /**
     * @param head       the first {@link #HEAD_BYTES} (or fewer, for tiny devices)
     * @param tail       the last {@link #TAIL_BYTES} bytes, ending at {@code deviceSize}
     * @param deviceSize size in bytes
     * @return a short description such as "an ext4 file system", or null when none is found
     */
    public static String detect(ByteBuffer head, ByteBuffer tail, long deviceSize) {
        ByteBuffer h = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        String found = md1(h, 4096, "1.2");
        if (found == null) {
            found = md1(h, 0, "1.1");
        }
        if (found == null) {
            found = fileSystems(h);
        }
        if (found == null) {
            found = tailSignatures(tail.duplicate().order(ByteOrder.LITTLE_ENDIAN), deviceSize);
        }
        if (found == null) {
            found = partitionTables(h);
        }
        return found;
    }

    private static String md1(ByteBuffer h, int at, String version) {
        if (h.limit() >= at + 8 && h.getInt(at) == MD_MAGIC && h.getInt(at + 4) == 1) {
            return "an md v" + version + " RAID superblock (member of array " + uuid(h, at + 16) + ")";
        }
        return null;
    }

    private static String fileSystems(ByteBuffer h) {
        if (h.limit() >= 1082 && (h.getShort(1080) & 0xffff) == 0xEF53) {
            int incompat = h.getInt(1024 + 0x60);
            int compat = h.getInt(1024 + 0x5C);
            String kind = (incompat & 0x40) != 0 ? "ext4" : (compat & 0x4) != 0 ? "ext3" : "ext2";
            return "an " + kind + " file system";
        }
        if (ascii(h, 0, "XFSB")) {
            return "an XFS file system";
        }
        if (ascii(h, 65536 + 64, "_BHRfS_M")) {
            return "a btrfs file system";
        }
        if (ascii(h, 0, "LUKS") && (h.get(4) & 0xff) == 0xBA && (h.get(5) & 0xff) == 0xBE) {
            return "a LUKS encrypted volume";
        }
        for (int sector = 0; sector < 4; sector++) {
            if (ascii(h, sector * 512, "LABELONE") && ascii(h, sector * 512 + 24, "LVM2")) {
                return "an LVM2 physical volume";
            }
        }
        for (int page : new int[] {4096, 8192, 16384, 65536}) {
            if (ascii(h, page - 10, "SWAPSPACE2") || ascii(h, page - 10, "SWAP-SPACE")) {
                return "a swap area";
            }
        }
        if (ascii(h, 32769, "CD001")) {
            return "an ISO 9660 file system";
        }
        if (ascii(h, 3, "NTFS    ")) {
            return "an NTFS file system";
        }
        if (ascii(h, 82, "FAT32   ") || ascii(h, 54, "FAT16   ") || ascii(h, 54, "FAT12   ")) {
            return "a FAT file system";
        }
        return null;
    }

    private static String tailSignatures(ByteBuffer t, long deviceSize) {
        // md 0.90: 64 KiB block at the last 64 KiB boundary minus 64 KiB.
        long sb090 = (deviceSize & ~(65536L - 1)) - 65536;
        int at = (int) (sb090 - (deviceSize - t.limit()));
        if (sb090 >= 0 && at >= 0 && at + 8 <= t.limit() && t.getInt(at) == MD_MAGIC && t.getInt(at + 4) == 0) {
            return "an md 0.90 RAID superblock";
        }
        // md 1.0: 8-12 KiB from the end, 4 KiB aligned.
        long sb10 = ((deviceSize >> 9) - 16 & ~7L) << 9;
        at = (int) (sb10 - (deviceSize - t.limit()));
        if (at >= 0 && at + 8 <= t.limit() && t.getInt(at) == MD_MAGIC && t.getInt(at + 4) == 1) {
            return "an md v1.0 RAID superblock (member of array " + uuid(t, at + 16) + ")";
        }
        return null;
    }

    private static String partitionTables(ByteBuffer h) {
        if (ascii(h, 512, "EFI PART")) {
            return "a GPT partition table";
        }
        if (h.limit() >= 512 && (h.get(510) & 0xff) == 0x55 && (h.get(511) & 0xff) == 0xAA) {
            // A boot signature with at least one plausible partition entry.
            for (int i = 0; i < 4; i++) {
                int e = 446 + 16 * i;
                int status = h.get(e) & 0xff;
                if ((status == 0 || status == 0x80) && h.get(e + 4) != 0 && h.getInt(e + 12) != 0) {
                    return "an MBR (DOS) partition table";
                }
            }
        }
        return null;
    }

    private static boolean ascii(ByteBuffer b, int at, String s) {
        byte[] want = s.getBytes(StandardCharsets.US_ASCII);
        if (at < 0 || at + want.length > b.limit()) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (b.get(at + i) != want[i]) {
                return false;
            }
        }
        return true;
    }

    private static String uuid(ByteBuffer b, int at) {
        StringBuilder sb = new StringBuilder(35);
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", b.get(at + i) & 0xff));
        }
        return sb.toString();
    }
}
