package io.uraid.levels.parity;

/**
 * GF(2^8) arithmetic on eight bytes at once, packed in a {@code long} (SWAR).
 */
final class GfWords {
    private static final long LOW7 = 0xfefefefefefefefeL;
    private static final long ONES = 0x0101010101010101L;

    private GfWords() {
    }

    /**
     * Each byte times {02}: shift left by one and, in the bytes whose top bit fell out, xor the
     * low byte of the polynomial (0x1d). The top bits are gathered as 0/1 per byte and spread
     * to 0x00/0x1d by one multiply, which cannot carry across bytes.
     */
    static long mul2(long x) {
        return ((x << 1) & LOW7) ^ (((x >>> 7) & ONES) * 0x1d);
    }

    /** Each byte times the constant c, through the product table row of c. */
    static long mulConst(long x, byte[] table, int row) {
        long r = 0;
        for (int shift = 0; shift < 64; shift += 8) {
            r |= (long) (table[row | (int) (x >>> shift) & 0xff] & 0xff) << shift;
        }
        return r;
    }
}
