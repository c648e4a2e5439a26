package io.uraid.core.sb;

/**
 * The additive checksum md uses for both superblock generations: little-endian u32 words
 * summed in 64 bits, then the carry folded once into the low word (kernel and mdadm
 * {@code calc_sb_1_csum} / {@code calc_csum}).
 */
final class MdChecksum {

    private MdChecksum() {
    }

    /** Sum of the LE u32 words of {@code b[off, off+len)}; a trailing 2 bytes count as a u16. */
    static long wordSum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; end - i >= 4; i += 4) {
            sum += u32(b, i);
        }
        if (end - i == 2) {
            sum += (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
        }
        return sum;
    }

    /** Folds a 64-bit word sum the way md does, truncated to 32 bits. */
    static int fold(long sum) {
        return (int) ((sum & 0xffffffffL) + (sum >>> 32));
    }

    static long u32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }
}
