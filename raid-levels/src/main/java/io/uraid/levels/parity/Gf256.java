package io.uraid.levels.parity;

/**
 * GF(2^8) as md's raid6 uses it: polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d), generator
 * {02}. The tables are computed here at class load, from the polynomial alone.
 */
public final class Gf256 {
    /** The field polynomial, with its x^8 term. */
    public static final int POLYNOMIAL = 0x11d;

    /** EXP[i] = g^i for i in 0..509 (doubled so a sum of two logs needs no reduction). */
    private static final int[] EXP = new int[510];
    /** LOG[a] = i with g^i = a, for a ≠ 0. */
    private static final int[] LOG = new int[256];
    /** MUL[c << 8 | x] = c · x. */
    private static final byte[] MUL = new byte[256 * 256];

    static {
        int v = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = v;
            EXP[i + 255] = v;
            LOG[v] = i;
            v <<= 1;
            if ((v & 0x100) != 0) {
                v ^= POLYNOMIAL;
            }
        }
        for (int c = 0; c < 256; c++) {
            for (int x = 0; x < 256; x++) {
                MUL[c << 8 | x] = (byte) (c == 0 || x == 0 ? 0 : EXP[LOG[c] + LOG[x]]);
            }
        }
    }

    private Gf256() {
    }

    /** a · b. */
    public static int mul(int a, int b) {
        return MUL[(a & 0xff) << 8 | (b & 0xff)] & 0xff;
    }

    /** g^k for any k (negative too: g^255 = 1). */
    public static int pow2(int k) {
        return EXP[Math.floorMod(k, 255)];
    }

    /** The multiplicative inverse of a ≠ 0. */
    public static int inv(int a) {
        if ((a & 0xff) == 0) {
            throw new ArithmeticException("0 has no inverse in GF(2^8)");
        }
        return EXP[255 - LOG[a & 0xff]];
    }

    /** a / b for b ≠ 0. */
    public static int div(int a, int b) {
        return mul(a, inv(b));
    }

    /** The 256-byte row of products c · x, at {@code rowOffset(c)} in {@link #mulTable()}. */
    static int rowOffset(int c) {
        return (c & 0xff) << 8;
    }

    /** The full product table, indexed {@code c << 8 | x}; shared, never modify it. */
    static byte[] mulTable() {
        return MUL;
    }
}
