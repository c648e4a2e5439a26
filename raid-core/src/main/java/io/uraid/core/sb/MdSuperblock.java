package io.uraid.core.sb;

import static io.uraid.core.sb.MdConstants.MD_MAGIC;
import static io.uraid.core.sb.MdConstants.ROLE_SPARE;
import static io.uraid.core.sb.MdConstants.SUPERBLOCK_BYTES;
import static io.uraid.core.sb.MdConstants.V1_HEADER_BYTES;
import static io.uraid.core.sb.MdConstants.V1_MAX_DEVS;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One md version-1 superblock ({@code struct mdp_superblock_1}), immutable.
 *
 * <p>The value is kept as the 4096-byte little-endian block itself, so a decoded superblock
 * re-encodes byte for byte (padding and all) and its checksum is judged on exactly the bytes
 * md would judge. Accessors read fields out of the block; changes go through {@link Builder}
 * ({@link #toBuilder()}, {@link #with}).
 *
 * <p>Sizes and offsets are in 512-byte sectors, as on disk. Unsigned 64-bit fields are
 * returned as raw {@code long} bits.
 */
public final class MdSuperblock {

    // Field offsets of struct mdp_superblock_1 (kernel md_p.h); the layout is fixed by the format.
    static final int MAGIC = 0, MAJOR = 4, FEATURE_MAP = 8, SET_UUID = 16, SET_NAME = 32, CTIME = 64,
            LEVEL = 72, LAYOUT = 76, SIZE = 80, CHUNKSIZE = 88, RAID_DISKS = 92, BITMAP_OFFSET = 96,
            NEW_LEVEL = 100, RESHAPE_POSITION = 104, DELTA_DISKS = 112, NEW_LAYOUT = 116, NEW_CHUNK = 120,
            NEW_OFFSET = 124, DATA_OFFSET = 128, DATA_SIZE = 136, SUPER_OFFSET = 144, RECOVERY_OFFSET = 152,
            DEV_NUMBER = 160, CNT_CORRECTED_READ = 164, DEVICE_UUID = 168, DEVFLAGS = 184, BBLOG_SHIFT = 185,
            BBLOG_SIZE = 186, BBLOG_OFFSET = 188, UTIME = 192, EVENTS = 200, RESYNC_OFFSET = 208,
            SB_CSUM = 216, MAX_DEV = 220, DEV_ROLES = 256;
    static final int NAME_BYTES = 32;

    private final byte[] block;

    private MdSuperblock(byte[] block) {
        this.block = block;
    }

    /** A builder for a new superblock: magic, major version 1, max_dev 128, every role spare. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when the bytes at the buffer's position start with the md magic and major version 1. */
    public static boolean isV1(ByteBuffer buf) {
        if (buf.remaining() < 8) {
            return false;
        }
        ByteBuffer le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = buf.position();
        return le.getInt(p + MAGIC) == MD_MAGIC && le.getInt(p + MAJOR) == 1;
    }

    /**
     * Decodes the superblock at the buffer's position (the buffer itself is not moved). Reads up
     * to 4096 bytes; at least 256 + 2·max_dev must be there. The checksum is not enforced: see
     * {@link #checksumValid()}.
     *
     * @throws IllegalArgumentException if the bytes are not a v1 superblock or are too short
     */
    public static MdSuperblock decode(ByteBuffer buf) {
        if (!isV1(buf)) {
            throw new IllegalArgumentException("not an md v1 superblock (bad magic or major version)");
        }
        int n = Math.min(buf.remaining(), SUPERBLOCK_BYTES);
        byte[] b = new byte[SUPERBLOCK_BYTES];
        buf.duplicate().get(b, 0, n);
        long maxDev = MdChecksum.u32(b, MAX_DEV);
        long needed = V1_HEADER_BYTES + 2 * Math.min(maxDev, V1_MAX_DEVS);
        if (n < needed) {
            throw new IllegalArgumentException("superblock truncated: " + n + " bytes, max_dev needs " + needed);
        }
        return new MdSuperblock(b);
    }

    /** The 4096-byte block with sb_csum set to md's checksum of its contents. */
    public byte[] encode() {
        byte[] out = block.clone();
        putU32(out, SB_CSUM, expectedChecksum());
        return out;
    }

    /** The block exactly as held, stored sb_csum included (right or wrong). */
    public byte[] rawBytes() {
        return block.clone();
    }

    // ---- checksum ----

    /** md's checksum of this block ({@code calc_sb_1_csum}); equals {@link #sbCsum()} when intact. */
    public int expectedChecksum() {
        return checksumWithFeatureMap(featureMap());
    }

    /** True when the stored sb_csum matches what md computes. */
    public boolean checksumValid() {
        return expectedChecksum() == sbCsum();
    }

    /**
     * The checksum md would compute if feature_map held {@code featureMap} instead. mdadm
     * clears the bitmap bit in memory when the bitmap superblock is unreadable and then judges
     * the checksum of that modified copy; the examine formatter needs this to say the same.
     */
    public int checksumWithFeatureMap(int featureMap) {
        // max_dev beyond what fits in 4 KiB would make md read past the block; clamp instead.
        int len = V1_HEADER_BYTES + 2 * (int) Math.min(MdChecksum.u32(block, MAX_DEV), V1_MAX_DEVS);
        long sum = MdChecksum.wordSum(block, 0, len) - MdChecksum.u32(block, SB_CSUM)
                - MdChecksum.u32(block, FEATURE_MAP) + (featureMap & 0xffffffffL);
        return MdChecksum.fold(sum);
    }

    // ---- fields ----

    public int magic() { return getU32(MAGIC); }
    public int majorVersion() { return getU32(MAJOR); }
    public int featureMap() { return getU32(FEATURE_MAP); }
    public boolean hasFeature(int bit) { return (featureMap() & bit) != 0; }
    public byte[] setUuid() { return Arrays.copyOfRange(block, SET_UUID, SET_UUID + 16); }
    /** Array name, usually "homehost:name": the bytes up to the first NUL (at most 32). */
    public String setName() { return cString(SET_NAME, NAME_BYTES); }
    /** Creation time, packed (see {@link MdTime}). */
    public long ctime() { return getU64(CTIME); }
    public Instant creationTime() { return MdTime.toInstant(ctime()); }
    /** md level: -1 linear, 0, 1, 4, 5, 6, 10. */
    public int level() { return getU32(LEVEL); }
    public int layout() { return getU32(LAYOUT); }
    /** Sectors of each device used by the array (0 for raid0/linear as mdadm writes it). */
    public long size() { return getU64(SIZE); }
    /** Chunk size in sectors. */
    public int chunkSize() { return getU32(CHUNKSIZE); }
    public int raidDisks() { return getU32(RAID_DISKS); }
    /** Signed sectors from the superblock to the bitmap (valid with FEATURE_BITMAP_OFFSET). */
    public int bitmapOffset() { return getU32(BITMAP_OFFSET); }
    /** PPL offset from the superblock, sectors (union with bitmap_offset; FEATURE_PPL). */
    public int pplOffset() { return (short) getU16(BITMAP_OFFSET); }
    /** PPL size in sectors (union with bitmap_offset; FEATURE_PPL). */
    public int pplSize() { return getU16(BITMAP_OFFSET + 2); }
    public int newLevel() { return getU32(NEW_LEVEL); }
    public long reshapePosition() { return getU64(RESHAPE_POSITION); }
    public int deltaDisks() { return getU32(DELTA_DISKS); }
    public int newLayout() { return getU32(NEW_LAYOUT); }
    /** New chunk size in sectors (during reshape). */
    public int newChunk() { return getU32(NEW_CHUNK); }
    /** Signed sectors to add to data_offset in the new layout. */
    public int newOffset() { return getU32(NEW_OFFSET); }
    public long dataOffset() { return getU64(DATA_OFFSET); }
    public long dataSize() { return getU64(DATA_SIZE); }
    public long superOffset() { return getU64(SUPER_OFFSET); }
    public long recoveryOffset() { return getU64(RECOVERY_OFFSET); }
    /** Same field as recovery_offset, meaningful on journal devices. */
    public long journalTail() { return getU64(RECOVERY_OFFSET); }
    /** Index of this device in dev_roles[] (not its role). */
    public int devNumber() { return getU32(DEV_NUMBER); }
    public int cntCorrectedRead() { return getU32(CNT_CORRECTED_READ); }
    public byte[] deviceUuid() { return Arrays.copyOfRange(block, DEVICE_UUID, DEVICE_UUID + 16); }
    public int devflags() { return block[DEVFLAGS] & 0xff; }
    public int bblogShift() { return block[BBLOG_SHIFT] & 0xff; }
    /** Sectors reserved for the bad-block log. */
    public int bblogSize() { return getU16(BBLOG_SIZE); }
    /** Signed sectors from the superblock to the bad-block log. */
    public int bblogOffset() { return getU32(BBLOG_OFFSET); }
    /** Update time, packed (see {@link MdTime}). */
    public long utime() { return getU64(UTIME); }
    public Instant updateTime() { return MdTime.toInstant(utime()); }
    public long events() { return getU64(EVENTS); }
    /** Sectors known in sync; {@link MdConstants#RESYNC_DONE} when clean. */
    public long resyncOffset() { return getU64(RESYNC_OFFSET); }
    /** The stored checksum. */
    public int sbCsum() { return getU32(SB_CSUM); }
    public int maxDev() { return getU32(MAX_DEV); }

    /** dev_roles[slot] (0xffff spare, 0xfffe faulty, 0xfffd journal, else the raid slot). */
    public int devRole(int slot) {
        if (slot < 0 || slot >= Math.min(maxDev(), V1_MAX_DEVS)) {
            throw new IndexOutOfBoundsException("slot " + slot + " outside max_dev " + maxDev());
        }
        return getU16(DEV_ROLES + 2 * slot);
    }

    /** All max_dev roles (at most {@link MdConstants#V1_MAX_DEVS}). */
    public int[] devRoles() {
        int[] roles = new int[(int) Math.min(MdChecksum.u32(block, MAX_DEV), V1_MAX_DEVS)];
        for (int i = 0; i < roles.length; i++) {
            roles[i] = getU16(DEV_ROLES + 2 * i);
        }
        return roles;
    }

    /** This device's role: dev_roles[dev_number], or spare when dev_number is outside max_dev (mdadm role_from_sb). */
    public int role() {
        long d = MdChecksum.u32(block, DEV_NUMBER);
        return d < Math.min(MdChecksum.u32(block, MAX_DEV), V1_MAX_DEVS) ? getU16(DEV_ROLES + 2 * (int) d) : ROLE_SPARE;
    }

    /** "1.0", "1.1" or "1.2", from super_offset the way mdadm tells them apart. */
    public String minorVersionName() {
        long off = superOffset();
        return off <= 4 ? "1.1" : off <= 8 ? "1.2" : "1.0";
    }

    public Builder toBuilder() {
        return new Builder(block.clone());
    }

    /** A copy changed by {@code change}; the checksum is recomputed. */
    public MdSuperblock with(Consumer<Builder> change) {
        Builder b = toBuilder();
        change.accept(b);
        return b.build();
    }

    public MdSuperblock withEvents(long events) { return with(b -> b.events(events)); }
    public MdSuperblock withDevRole(int slot, int role) { return with(b -> b.devRole(slot, role)); }

    @Override
    public boolean equals(Object o) {
        return o instanceof MdSuperblock s && Arrays.equals(s.block, block);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(block);
    }

    @Override
    public String toString() {
        return "MdSuperblock[" + MdUuid.format(setUuid()) + " '" + setName() + "' level=" + level()
                + " disks=" + raidDisks() + " dev=" + devNumber() + " role=" + Integer.toHexString(role())
                + " events=" + events() + " data=" + dataOffset() + "+" + dataSize() + "]";
    }

    private int getU32(int off) { return (int) MdChecksum.u32(block, off); }
    private long getU64(int off) { return MdChecksum.u32(block, off) | MdChecksum.u32(block, off + 4) << 32; }
    private int getU16(int off) { return (block[off] & 0xff) | (block[off + 1] & 0xff) << 8; }

    private String cString(int off, int max) {
        int n = 0;
        while (n < max && block[off + n] != 0) {
            n++;
        }
        return new String(block, off, n, StandardCharsets.UTF_8);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void putU32(byte[] b, int off, int v) {
        putU16(b, off, v);
        putU16(b, off + 2, v >>> 16);
    }

    static void putU64(byte[] b, int off, long v) {
        putU32(b, off, (int) v);
        putU32(b, off + 4, (int) (v >>> 32));
    }

    /**
     * Mutable builder. Setters write straight into a 4096-byte block; {@link #build()} stamps
     * md's checksum unless {@link #storedChecksum(int)} asked for a specific (e.g. wrong) one.
     */
    public static final class Builder {
        private final byte[] b;
        private Integer storedChecksum;

        private Builder() {
            b = new byte[SUPERBLOCK_BYTES];
            putU32(b, MAGIC, MD_MAGIC);
            putU32(b, MAJOR, 1);
            putU64(b, RESYNC_OFFSET, MdConstants.RESYNC_DONE);
            maxDev(128);
        }

        private Builder(byte[] block) {
            b = block;
        }

        public Builder featureMap(int v) { putU32(b, FEATURE_MAP, v); return this; }
        public Builder setUuid(byte[] uuid) { return bytes16(SET_UUID, uuid); }
        public Builder ctime(long packed) { putU64(b, CTIME, packed); return this; }
        public Builder ctime(Instant t) { return ctime(MdTime.pack(t)); }
        public Builder level(int v) { putU32(b, LEVEL, v); return this; }
        public Builder layout(int v) { putU32(b, LAYOUT, v); return this; }
        public Builder size(long sectors) { putU64(b, SIZE, sectors); return this; }
        public Builder chunkSize(int sectors) { putU32(b, CHUNKSIZE, sectors); return this; }
        public Builder raidDisks(int v) { putU32(b, RAID_DISKS, v); return this; }
        public Builder bitmapOffset(int sectors) { putU32(b, BITMAP_OFFSET, sectors); return this; }
        public Builder ppl(int offset, int size) {
            putU16(b, BITMAP_OFFSET, offset);
            putU16(b, BITMAP_OFFSET + 2, size);
            return this;
        }
        public Builder newLevel(int v) { putU32(b, NEW_LEVEL, v); return this; }
        public Builder reshapePosition(long v) { putU64(b, RESHAPE_POSITION, v); return this; }
        public Builder deltaDisks(int v) { putU32(b, DELTA_DISKS, v); return this; }
        public Builder newLayout(int v) { putU32(b, NEW_LAYOUT, v); return this; }
        public Builder newChunk(int sectors) { putU32(b, NEW_CHUNK, sectors); return this; }
        public Builder newOffset(int sectors) { putU32(b, NEW_OFFSET, sectors); return this; }
        public Builder dataOffset(long v) { putU64(b, DATA_OFFSET, v); return this; }
        public Builder dataSize(long v) { putU64(b, DATA_SIZE, v); return this; }
        public Builder superOffset(long v) { putU64(b, SUPER_OFFSET, v); return this; }
        public Builder recoveryOffset(long v) { putU64(b, RECOVERY_OFFSET, v); return this; }
        public Builder devNumber(int v) { putU32(b, DEV_NUMBER, v); return this; }
        public Builder cntCorrectedRead(int v) { putU32(b, CNT_CORRECTED_READ, v); return this; }
        public Builder deviceUuid(byte[] uuid) { return bytes16(DEVICE_UUID, uuid); }
        public Builder devflags(int v) { b[DEVFLAGS] = (byte) v; return this; }
        public Builder badBlockLog(int shift, int sizeSectors, int offsetSectors) {
            b[BBLOG_SHIFT] = (byte) shift;
            putU16(b, BBLOG_SIZE, sizeSectors);
            putU32(b, BBLOG_OFFSET, offsetSectors);
            return this;
        }
        public Builder utime(long packed) { putU64(b, UTIME, packed); return this; }
        public Builder utime(Instant t) { return utime(MdTime.pack(t)); }
        public Builder events(long v) { putU64(b, EVENTS, v); return this; }
        public Builder resyncOffset(long v) { putU64(b, RESYNC_OFFSET, v); return this; }

        /** Name as stored: at most 32 bytes of UTF-8 (mdadm prints it with %.32s, so no NUL is needed). */
        public Builder setName(String name) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            if (n.length > NAME_BYTES) {
                throw new IllegalArgumentException("set_name longer than 32 bytes: " + name);
            }
            Arrays.fill(b, SET_NAME, SET_NAME + NAME_BYTES, (byte) 0);
            System.arraycopy(n, 0, b, SET_NAME, n.length);
            return this;
        }

        /**
         * mdadm's naming rule (init_super1): "homehost:name" when a homehost is given, the name
         * has no ':' and the result is shorter than 32 bytes; otherwise the name cut to 31 bytes.
         */
        public Builder setName(String homehost, String name) {
            int hl = homehost == null ? 0 : homehost.getBytes(StandardCharsets.UTF_8).length;
            int nl = name.getBytes(StandardCharsets.UTF_8).length;
            if (homehost != null && name.indexOf(':') < 0 && hl + 1 + nl < NAME_BYTES) {
                return setName(homehost + ":" + name);
            }
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            return setName(new String(n, 0, Math.min(n.length, NAME_BYTES - 1), StandardCharsets.UTF_8));
        }

        /** Sets max_dev; new slots become spare (0xffff), slots past it are zeroed as md leaves them. */
        public Builder maxDev(int n) {
            if (n < 0 || n > V1_MAX_DEVS) {
                throw new IllegalArgumentException("max_dev must be 0.." + V1_MAX_DEVS + ": " + n);
            }
            int old = (int) Math.min(MdChecksum.u32(b, MAX_DEV), V1_MAX_DEVS);
            for (int i = old; i < n; i++) {
                putU16(b, DEV_ROLES + 2 * i, ROLE_SPARE);
            }
            Arrays.fill(b, DEV_ROLES + 2 * n, SUPERBLOCK_BYTES, (byte) 0);
            putU32(b, MAX_DEV, n);
            return this;
        }

        public Builder devRole(int slot, int role) {
            if (slot < 0 || slot >= MdChecksum.u32(b, MAX_DEV)) {
                throw new IllegalArgumentException("slot " + slot + " outside max_dev " + MdChecksum.u32(b, MAX_DEV));
            }
            putU16(b, DEV_ROLES + 2 * slot, role);
            return this;
        }

        /** dev_roles[0..roles.length) = roles; the other slots are left as they are. */
        public Builder devRoles(int... roles) {
            for (int i = 0; i < roles.length; i++) {
                devRole(i, roles[i]);
            }
            return this;
        }

        /** Stores exactly this sb_csum instead of md's (to make deliberately corrupt blocks). */
        public Builder storedChecksum(int csum) {
            storedChecksum = csum;
            return this;
        }

        public MdSuperblock build() {
            MdSuperblock sb = new MdSuperblock(b.clone());
            putU32(sb.block, SB_CSUM, storedChecksum != null ? storedChecksum : sb.expectedChecksum());
            return sb;
        }

        private Builder bytes16(int off, byte[] v) {
            if (v.length != 16) {
                throw new IllegalArgumentException("uuid must be 16 bytes");
            }
            System.arraycopy(v, 0, b, off, 16);
            return this;
        }
    }
}
