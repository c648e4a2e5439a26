package io.uraid.core.sb;

import static io.uraid.core.sb.MdSuperblock.putU32;
import static io.uraid.core.sb.MdSuperblock.putU64;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The write-intent bitmap superblock ({@code bitmap_super_t}, mdadm bitmap.h / kernel
 * md-bitmap.h): 256 little-endian bytes at superblock + bitmap_offset, the bits follow.
 * Immutable; kept as its 256 bytes so unknown/padding bytes survive a round trip.
 */
public final class BitmapSuperblock {

    /** "bitm" read as a little-endian u32. */
    public static final int MAGIC = 0x6d746962;
    /** Bytes of the bitmap superblock. */
    public static final int BYTES = 256;
    /** Version of the standard little-endian bitmap (BITMAP_MAJOR_HI). */
    public static final int VERSION_HI = 4;
    /** Old host-endian bitmap version (BITMAP_MAJOR_LO). */
    public static final int VERSION_LO = 3;
    /** Clustered bitmap version. */
    public static final int VERSION_CLUSTERED = 5;
    /** state bit: bitmap in use. */
    public static final int STATE_ACTIVE = 1;
    /** state bit: bitmap stale, a full resync is needed. */
    public static final int STATE_STALE = 2;

    static final int O_MAGIC = 0, O_VERSION = 4, O_UUID = 8, O_EVENTS = 24, O_EVENTS_CLEARED = 32,
            O_SYNC_SIZE = 40, O_STATE = 48, O_CHUNKSIZE = 52, O_DAEMON_SLEEP = 56, O_WRITE_BEHIND = 60,
            O_SECTORS_RESERVED = 64, O_NODES = 68, O_CLUSTER_NAME = 72;

    private final byte[] b;

    private BitmapSuperblock(byte[] b) {
        this.b = b;
    }

    /** A builder with magic and version 4 set, everything else zero. */
    public static Builder builder() {
        return new Builder();
    }

    /** Decodes 256 bytes at the buffer's position (not moved); magic and version are not enforced: see {@link #valid()}. */
    public static BitmapSuperblock decode(ByteBuffer buf) {
        if (buf.remaining() < BYTES) {
            throw new IllegalArgumentException("bitmap superblock needs 256 bytes, got " + buf.remaining());
        }
        byte[] b = new byte[BYTES];
        buf.duplicate().get(b);
        return new BitmapSuperblock(b);
    }

    /** The 256 bytes. */
    public byte[] encode() {
        return b.clone();
    }

    /** Magic right and a version md accepts (3..6). */
    public boolean valid() {
        return magic() == MAGIC && version() >= VERSION_LO && version() <= 6;
    }

    /** mdadm's load_super1 test: magic right and the uuid equal to the array's. */
    public boolean matches(byte[] arrayUuid) {
        return magic() == MAGIC && Arrays.equals(uuid(), arrayUuid);
    }

    public int magic() { return u32(O_MAGIC); }
    public int version() { return u32(O_VERSION); }
    public byte[] uuid() { return Arrays.copyOfRange(b, O_UUID, O_UUID + 16); }
    public long events() { return u64(O_EVENTS); }
    public long eventsCleared() { return u64(O_EVENTS_CLEARED); }
    /** Sectors the bitmap covers (array size for raid10, per-device size otherwise). */
    public long syncSize() { return u64(O_SYNC_SIZE); }
    public int state() { return u32(O_STATE); }
    /** Bytes of data one bit stands for. */
    public int chunkSize() { return u32(O_CHUNKSIZE); }
    /** Seconds between bitmap flushes. */
    public int daemonSleep() { return u32(O_DAEMON_SLEEP); }
    public int writeBehind() { return u32(O_WRITE_BEHIND); }
    public int sectorsReserved() { return u32(O_SECTORS_RESERVED); }
    public int nodes() { return u32(O_NODES); }
    public String clusterName() {
        int n = 0;
        while (n < 64 && b[O_CLUSTER_NAME + n] != 0) {
            n++;
        }
        return new String(b, O_CLUSTER_NAME, n, StandardCharsets.UTF_8);
    }

    /** Bits in the bitmap: ceil(sync_size·512 / chunk) (mdadm bitmap_bits). */
    public long bits() {
        return bits(syncSize(), chunkSize());
    }

    /** Bits needed for {@code syncSectors} at {@code chunkBytes} per bit. */
    public static long bits(long syncSectors, long chunkBytes) {
        return (syncSectors * 512 + chunkBytes - 1) / chunkBytes;
    }

    /**
     * Bytes the on-disk bitmap takes (superblock + bits), rounded up to {@code boundary}
     * (mdadm calc_bitmap_size: 4096 when reserving space, 512 when copying).
     */
    public long onDiskBytes(int boundary) {
        return onDiskBytes(syncSize(), chunkSize(), boundary);
    }

    /** {@link #onDiskBytes(int)} for a given size and chunk. */
    public static long onDiskBytes(long syncSectors, long chunkBytes, int boundary) {
        long bytes = (bits(syncSectors, chunkBytes) + 7) / 8 + BYTES;
        return (bytes + boundary - 1) / boundary * boundary;
    }

    public Builder toBuilder() {
        return new Builder(b.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitmapSuperblock s && Arrays.equals(s.b, b);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(b);
    }

    @Override
    public String toString() {
        return "BitmapSuperblock[v" + version() + " " + MdUuid.format(uuid()) + " events=" + events()
                + " cleared=" + eventsCleared() + " sync=" + syncSize() + " chunk=" + chunkSize() + "]";
    }

    private int u32(int off) { return (int) MdChecksum.u32(b, off); }
    private long u64(int off) { return MdChecksum.u32(b, off) | MdChecksum.u32(b, off + 4) << 32; }

    /** Mutable builder over the 256 bytes. */
    public static final class Builder {
        private final byte[] b;

        private Builder() {
            b = new byte[BYTES];
            putU32(b, O_MAGIC, MAGIC);
            putU32(b, O_VERSION, VERSION_HI);
        }

        private Builder(byte[] b) {
            this.b = b;
        }

        public Builder magic(int v) { putU32(b, O_MAGIC, v); return this; }
        public Builder version(int v) { putU32(b, O_VERSION, v); return this; }
        public Builder uuid(byte[] uuid) {
            if (uuid.length != 16) {
                throw new IllegalArgumentException("uuid must be 16 bytes");
            }
            System.arraycopy(uuid, 0, b, O_UUID, 16);
            return this;
        }
        public Builder events(long v) { putU64(b, O_EVENTS, v); return this; }
        public Builder eventsCleared(long v) { putU64(b, O_EVENTS_CLEARED, v); return this; }
        public Builder syncSize(long sectors) { putU64(b, O_SYNC_SIZE, sectors); return this; }
        public Builder state(int v) { putU32(b, O_STATE, v); return this; }
        public Builder chunkSize(int bytes) { putU32(b, O_CHUNKSIZE, bytes); return this; }
        public Builder daemonSleep(int seconds) { putU32(b, O_DAEMON_SLEEP, seconds); return this; }
        public Builder writeBehind(int v) { putU32(b, O_WRITE_BEHIND, v); return this; }
        public Builder sectorsReserved(int v) { putU32(b, O_SECTORS_RESERVED, v); return this; }
        public Builder nodes(int v) { putU32(b, O_NODES, v); return this; }
        public Builder clusterName(String name) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            if (n.length > 63) {
                throw new IllegalArgumentException("cluster name longer than 63 bytes");
            }
            Arrays.fill(b, O_CLUSTER_NAME, O_CLUSTER_NAME + 64, (byte) 0);
            System.arraycopy(n, 0, b, O_CLUSTER_NAME, n.length);
            return this;
        }

        public BitmapSuperblock build() {
            return new BitmapSuperblock(b.clone());
        }
    }
}
