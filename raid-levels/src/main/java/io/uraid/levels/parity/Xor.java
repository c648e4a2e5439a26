package io.uraid.levels.parity;

import io.uraid.io.internal.UnsafeAccess;

/**
 * XOR of native memory: raid4/5 parity (P) and raid6's P. Memory is given as native addresses
 * ({@code NativeBuffer.address()}, or {@link ParityMemory#address} of a direct buffer); lengths
 * are multiples of 8 bytes. Nothing is allocated.
 *
 * <p>The loops run source by source over blocks small enough to stay in the first-level cache
 * (source-major): each inner loop is one plain stream the JIT unrolls and vectorises, which
 * measures several times faster than walking all sources per word.
 */
public final class Xor {
    /** Bytes processed per source before moving to the next (fits L1 with destination). */
    static final int BLOCK = 4096;

    private Xor() {
    }

    /**
     * {@code dst = src[0] ^ src[1] ^ ... ^ src[count-1]} over {@code len} bytes.
     * {@code dst} may be {@code src[0]} (to xor into it) but no other source.
     *
     * @throws IllegalArgumentException when count &lt; 1 or len is not a multiple of 8
     */
    public static void xor(long dst, long[] src, int count, int len) {
        ParityMemory.checkLength(len);
        if (count < 1 || count > src.length) {
            throw new IllegalArgumentException("xor needs 1.." + src.length + " sources, got " + count);
        }
        for (int b = 0; b < len; b += BLOCK) {
            int end = Math.min(len, b + BLOCK);
            if (count == 1) {
                copy(dst, src[0], b, end);
                continue;
            }
            xor2(dst, src[0], src[1], b, end);
            for (int j = 2; j < count; j++) {
                xorInto(dst, src[j], b, end);
            }
        }
    }

    /** {@code dst ^= src} over {@code len} bytes. */
    public static void xorInto(long dst, long src, int len) {
        ParityMemory.checkLength(len);
        xorInto(dst, src, 0, len);
    }

    /** {@code dst ^= a ^ b} over {@code len} bytes: raid5 read-modify-write (P ^= old ^ new). */
    public static void xorInto(long dst, long a, long b, int len) {
        ParityMemory.checkLength(len);
        for (int i = 0; i < len; i += 8) {
            UnsafeAccess.putLong(dst + i,
                    UnsafeAccess.getLong(dst + i) ^ UnsafeAccess.getLong(a + i) ^ UnsafeAccess.getLong(b + i));
        }
    }

    static void copy(long dst, long src, int from, int to) {
        if (dst != src) {
            UnsafeAccess.copyMemory(src + from, dst + from, to - from);
        }
    }

    static void xor2(long dst, long a, long b, int from, int to) {
        for (int i = from; i < to; i += 8) {
            UnsafeAccess.putLong(dst + i, UnsafeAccess.getLong(a + i) ^ UnsafeAccess.getLong(b + i));
        }
    }

    static void xorInto(long dst, long src, int from, int to) {
        for (int i = from; i < to; i += 8) {
            UnsafeAccess.putLong(dst + i, UnsafeAccess.getLong(dst + i) ^ UnsafeAccess.getLong(src + i));
        }
    }
}
