package io.uraid.core.sb;

/**
 * Numbers of the Linux md on-disk format shared by the superblock codecs.
 *
 * <p>Values follow the kernel's {@code include/uapi/linux/raid/md_p.h} and mdadm's
 * {@code super1.c}; where the two name a bit differently both names are given.
 */
public final class MdConstants {

    private MdConstants() {
    }

    /** Magic of every md superblock (0.90 and 1.x). */
    public static final int MD_MAGIC = 0xa92b4efc;
    /** Bytes md reserves for one superblock (the v1 block is read as a 4 KiB unit). */
    public static final int SUPERBLOCK_BYTES = 4096;
    /** Fixed part of the v1 superblock, before {@code dev_roles[]}. */
    public static final int V1_HEADER_BYTES = 256;
    /** Most {@code dev_roles[]} entries that fit in a 4 KiB v1 block (mdadm's MAX_DEVS). */
    public static final int V1_MAX_DEVS = (SUPERBLOCK_BYTES - V1_HEADER_BYTES) / 2;

    /** feature_map bit: bitmap_offset is valid (internal write-intent bitmap). */
    public static final int FEATURE_BITMAP_OFFSET = 1;
    /** feature_map bit: recovery_offset is valid and must be honoured. */
    public static final int FEATURE_RECOVERY_OFFSET = 2;
    /** feature_map bit: a reshape is in progress (reshape fields valid). */
    public static final int FEATURE_RESHAPE_ACTIVE = 4;
    /** feature_map bit: the bad-block log holds entries. */
    public static final int FEATURE_BAD_BLOCKS = 8;
    /** feature_map bit: this device replaces the active device with the same role. */
    public static final int FEATURE_REPLACEMENT = 16;
    /** feature_map bit: reshape runs backwards. */
    public static final int FEATURE_RESHAPE_BACKWARDS = 32;
    /** feature_map bit: new_offset is valid. */
    public static final int FEATURE_NEW_OFFSET = 64;
    /** feature_map bit: recovery is guided by the bitmap. */
    public static final int FEATURE_RECOVERY_BITMAP = 128;
    /** feature_map bit 256: kernel MD_FEATURE_CLUSTERED, mdadm MD_FEATURE_BITMAP_VERSIONED. */
    public static final int FEATURE_CLUSTERED = 256;
    /** feature_map bit: array has a raid5 write journal. */
    public static final int FEATURE_JOURNAL = 512;
    /** feature_map bit: partial parity log. */
    public static final int FEATURE_PPL = 1024;
    /** feature_map bit: multiple partial parity logs. */
    public static final int FEATURE_MULTIPLE_PPLS = 2048;
    /** feature_map bit: the raid0 layout word is meaningful. */
    public static final int FEATURE_RAID0_LAYOUT = 4096;

    /** dev_roles[] value of a spare (also an unused slot). */
    public static final int ROLE_SPARE = 0xffff;
    /** dev_roles[] value of a faulty device. */
    public static final int ROLE_FAULTY = 0xfffe;
    /** dev_roles[] value of a journal device. */
    public static final int ROLE_JOURNAL = 0xfffd;
    /** Largest dev_roles[] value that is an ordinary raid slot. */
    public static final int ROLE_MAX = 0xff00;

    /** devflags bit: write-mostly member. */
    public static final int DEVFLAG_WRITE_MOSTLY = 1;
    /** devflags bit: fail-fast member. */
    public static final int DEVFLAG_FAILFAST = 2;

    /** resync_offset meaning "in sync" (md's MaxSector, all ones). */
    public static final long RESYNC_DONE = -1L;

    /** md level number of linear. */
    public static final int LEVEL_LINEAR = -1;
    /** md level number of multipath. */
    public static final int LEVEL_MULTIPATH = -4;
    /** md level number of faulty. */
    public static final int LEVEL_FAULTY = -5;
    /** md level number of a container. */
    public static final int LEVEL_CONTAINER = -100;
}
