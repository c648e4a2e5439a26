package io.uraid.core.sb;

import static io.uraid.core.sb.MdConstants.MD_MAGIC;
import static io.uraid.core.sb.MdConstants.SUPERBLOCK_BYTES;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reader of md 0.90 superblocks ({@code mdp_super_t}, kernel md_p.h): 4096 bytes of
 * host-endian u32 words near the end of the member. Only little-endian (x86) superblocks are
 * read, as mdadm on a little-endian host does. Enough to identify an old member and print what
 * {@code mdadm --examine} prints; uraid does not write 0.90.
 */
public final class MdSuper090 {

    /** Sectors md reserves at the end of a 0.90 member (MD_RESERVED_SECTORS). */
    public static final long RESERVED_SECTORS = 128;

    /** Disk state bit: faulty. */
    public static final int DISK_FAULTY = 0;
    /** Disk state bit: active. */
    public static final int DISK_ACTIVE = 1;
    /** Disk state bit: in sync. */
    public static final int DISK_SYNC = 2;
    /** Disk state bit: removed. */
    public static final int DISK_REMOVED = 3;
    /** Disk state bit: write-mostly. */
    public static final int DISK_WRITEMOSTLY = 9;
    /** Disk state bit: fail-fast. */
    public static final int DISK_FAILFAST = 10;
    /** Superblock state bit: clean. */
    public static final int SB_CLEAN = 0;
    /** Superblock state bit: an internal bitmap may follow. */
    public static final int SB_BITMAP_PRESENT = 8;
    /** Number of disk descriptors (MD_SB_DISKS). */
    public static final int DISKS = 27;

    // Word indexes of mdp_super_t.
    private static final int W_MAJOR = 1, W_MINOR = 2, W_PATCH = 3, W_UUID0 = 5, W_CTIME = 6, W_LEVEL = 7,
            W_SIZE = 8, W_NR_DISKS = 9, W_RAID_DISKS = 10, W_MD_MINOR = 11, W_NOT_PERSISTENT = 12,
            W_UUID1 = 13, W_UTIME = 32, W_STATE = 33, W_ACTIVE = 34, W_WORKING = 35, W_FAILED = 36,
            W_SPARE = 37, W_CSUM = 38, W_EVENTS_LO = 39, W_EVENTS_HI = 40, W_RECOVERY_CP = 43,
            W_RESHAPE_POSITION = 44, W_NEW_LEVEL = 46, W_DELTA_DISKS = 47, W_NEW_LAYOUT = 48,
            W_NEW_CHUNK = 49, W_LAYOUT = 64, W_CHUNK = 65, W_DISKS = 128, W_THIS_DISK = 992, DESC_WORDS = 32;

    /** One disk descriptor ({@code mdp_disk_t}). */
    public record Disk(int number, int major, int minor, int raidDisk, int state) {
        /** True when state bit {@code bit} is set. */
        public boolean has(int bit) {
            return (state & (1 << bit)) != 0;
        }
    }

    private final byte[] b;

    private MdSuper090(byte[] b) {
        this.b = b;
    }

    /**
     * Byte offset of the 0.90 superblock on a member of {@code deviceBytes}: the size rounded
     * down to 64 KiB, minus 64 KiB (MD_NEW_SIZE_SECTORS).
     */
    public static long superblockOffset(long deviceBytes) {
        long sectors = deviceBytes >> 9;
        if (sectors < RESERVED_SECTORS) {
            throw new IllegalArgumentException("device smaller than 64 KiB cannot hold a 0.90 superblock");
        }
        return ((sectors & ~(RESERVED_SECTORS - 1)) - RESERVED_SECTORS) * 512;
    }

    /** True when the bytes at the position carry the md magic with major version 0. */
    public static boolean is090(ByteBuffer buf) {
        if (buf.remaining() < 8) {
            return false;
        }
        byte[] head = new byte[8];
        buf.duplicate().get(head);
        return (int) MdChecksum.u32(head, 0) == MD_MAGIC && MdChecksum.u32(head, 4) == 0;
    }

    /**
     * Decodes the 4096 bytes at the buffer's position (not moved).
     *
     * @throws IllegalArgumentException when there is no little-endian 0.90 superblock there
     */
    public static MdSuper090 decode(ByteBuffer buf) {
        if (buf.remaining() < SUPERBLOCK_BYTES || !is090(buf)) {
            throw new IllegalArgumentException("not an md 0.90 superblock");
        }
        byte[] b = new byte[SUPERBLOCK_BYTES];
        buf.duplicate().get(b);
        return new MdSuper090(b);
    }

    /** md's checksum of the block (calc_sb0_csum: all 1024 words, sb_csum taken as 0). */
    public int expectedChecksum() {
        return MdChecksum.fold(MdChecksum.wordSum(b, 0, SUPERBLOCK_BYTES) - MdChecksum.u32(b, W_CSUM * 4));
    }

    public boolean checksumValid() {
        return expectedChecksum() == sbCsum();
    }

    public int majorVersion() { return w(W_MAJOR); }
    public int minorVersion() { return w(W_MINOR); }
    public int patchVersion() { return w(W_PATCH); }
    /** "0.90.00" as mdadm prints it. */
    public String versionName() {
        return String.format(java.util.Locale.ROOT, "%d.%02d.%02d", majorVersion(), minorVersion(), patchVersion());
    }

    /** The four uuid words as 16 big-endian bytes, so {@link MdUuid#format} prints mdadm's %08x form. */
    public byte[] uuid() {
        ByteBuffer u = ByteBuffer.allocate(16);
        u.putInt(w(W_UUID0));
        for (int i = 0; i < 3; i++) {
            u.putInt(w(W_UUID1 + i));
        }
        return u.array();
    }

    public long ctime() { return w(W_CTIME) & 0xffffffffL; }
    public int level() { return w(W_LEVEL); }
    /** Size used on each device, KiB. */
    public long sizeKiB() { return w(W_SIZE) & 0xffffffffL; }
    public int nrDisks() { return w(W_NR_DISKS); }
    public int raidDisks() { return w(W_RAID_DISKS); }
    public int mdMinor() { return w(W_MD_MINOR); }
    public boolean notPersistent() { return w(W_NOT_PERSISTENT) != 0; }
    public long utime() { return w(W_UTIME) & 0xffffffffL; }
    public int state() { return w(W_STATE); }
    public boolean clean() { return (state() & (1 << SB_CLEAN)) != 0; }
    public int activeDisks() { return w(W_ACTIVE); }
    public int workingDisks() { return w(W_WORKING); }
    public int failedDisks() { return w(W_FAILED); }
    public int spareDisks() { return w(W_SPARE); }
    public int sbCsum() { return w(W_CSUM); }
    public long events() { return (w(W_EVENTS_HI) & 0xffffffffL) << 32 | (w(W_EVENTS_LO) & 0xffffffffL); }
    public long recoveryCheckpoint() { return w(W_RECOVERY_CP) & 0xffffffffL; }
    public long reshapePosition() {
        return (w(W_RESHAPE_POSITION) & 0xffffffffL) | (w(W_RESHAPE_POSITION + 1) & 0xffffffffL) << 32;
    }
    public int newLevel() { return w(W_NEW_LEVEL); }
    public int deltaDisks() { return w(W_DELTA_DISKS); }
    public int newLayout() { return w(W_NEW_LAYOUT); }
    /** New chunk size, bytes. */
    public int newChunk() { return w(W_NEW_CHUNK); }
    public int layout() { return w(W_LAYOUT); }
    /** Chunk size, bytes. */
    public int chunkSize() { return w(W_CHUNK); }

    /** Descriptor {@code i} of the disks table (0 ≤ i &lt; 27). */
    public Disk disk(int i) {
        if (i < 0 || i >= DISKS) {
            throw new IndexOutOfBoundsException("disk " + i);
        }
        return desc(W_DISKS + i * DESC_WORDS);
    }

    /** The descriptor of the device this superblock was read from. */
    public Disk thisDisk() {
        return desc(W_THIS_DISK);
    }

    /** The 4096 bytes as read. */
    public byte[] rawBytes() {
        return b.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MdSuper090 s && Arrays.equals(s.b, b);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(b);
    }

    @Override
    public String toString() {
        return "MdSuper090[" + MdUuid.format(uuid()) + " level=" + level() + " disks=" + raidDisks()
                + " events=" + events() + "]";
    }

    private Disk desc(int word) {
        return new Disk(w(word), w(word + 1), w(word + 2), w(word + 3), w(word + 4));
    }

    private int w(int word) {
        return (int) MdChecksum.u32(b, word * 4);
    }
}
