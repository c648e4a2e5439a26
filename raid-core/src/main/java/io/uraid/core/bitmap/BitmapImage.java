package io.uraid.core.bitmap;

import io.uraid.core.sb.BitmapSuperblock;
import java.nio.ByteBuffer;

/**
 * The on-disk write-intent bitmap of one array as bytes: the 256-byte {@code bitmap_super_t}
 * followed by one bit per chunk (bit i = byte i/8, bit i%8, as md stores it little-endian).
 * Pure data, no I/O: the runtime bitmap and the assembler encode and decode through it.
 */
public final class BitmapImage {
    private final BitmapSuperblock header;
    private final byte[] bits;

    public BitmapImage(BitmapSuperblock header, byte[] bits) {
        long need = (header.bits() + 7) / 8;
        if (bits.length < need) {
            throw new IllegalArgumentException("bitmap needs " + need + " bytes of bits, got " + bits.length);
        }
        this.header = header;
        this.bits = bits;
    }

    /** A clean bitmap (no bit set) described by {@code header}. */
    public static BitmapImage clean(BitmapSuperblock header) {
        return new BitmapImage(header, new byte[(int) ((header.bits() + 7) / 8)]);
    }

    /** Decodes superblock and bits from {@code area} (at least {@link #areaBytes} of them). */
    public static BitmapImage decode(ByteBuffer area) {
        BitmapSuperblock h = BitmapSuperblock.decode(area);
        int n = (int) ((h.bits() + 7) / 8);
        byte[] bits = new byte[n];
        ByteBuffer d = area.duplicate();
        d.position(d.position() + BitmapSuperblock.BYTES);
        d.get(bits);
        return new BitmapImage(h, bits);
    }

    public BitmapSuperblock header() {
        return header;
    }

    public long bitCount() {
        return header.bits();
    }

    public boolean isSet(long bit) {
        return (bits[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0;
    }

    public void set(long bit) {
        bits[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }

    public void clear(long bit) {
        bits[(int) (bit >>> 3)] &= (byte) ~(1 << (bit & 7));
    }

    /** Bits set (what {@code mdadm -X} reports as dirty). */
    public long dirty() {
        long n = 0;
        for (long i = 0; i < bitCount(); i++) {
            if (isSet(i)) {
                n++;
            }
        }
        return n;
    }

    /** Sets every bit also set in {@code other} (members of one array may differ after a crash). */
    public void or(BitmapImage other) {
        long n = Math.min(bitCount(), other.bitCount());
        for (long i = 0; i < n; i++) {
            if (other.isSet(i)) {
                set(i);
            }
        }
    }

    /** Bytes of superblock and bits rounded up to {@code block}. */
    public static int areaBytes(BitmapSuperblock header, int block) {
        return (int) BitmapSuperblock.onDiskBytes(header.syncSize(), header.chunkSize(), block);
    }

    /** Writes superblock and bits at the buffer's position 0 (the rest up to the area is zeroed). */
    public void encode(BitmapSuperblock withHeader, ByteBuffer out) {
        ByteBuffer o = out.duplicate();
        o.clear();
        o.put(withHeader.encode());
        o.put(bits);
        while (o.hasRemaining()) {
            o.put((byte) 0);
        }
    }
}
