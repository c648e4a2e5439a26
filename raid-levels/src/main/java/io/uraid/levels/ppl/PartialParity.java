package io.uraid.levels.ppl;

import io.uraid.levels.parity.Xor;

/**
 * The partial parity md logs for a raid5 write to part of a stripe row: the XOR of the row's
 * data chunks the write leaves alone. Recovery XORs it with the modified chunks as they are on
 * the members after a crash, which gives the row's parity whichever of the write's data legs
 * reached the members. Computed from what the write reads anyway: the old parity and old data
 * of the modified chunks (read-modify-write), or the unmodified chunks (reconstruct-write).
 * Native memory by address, lengths multiples of 8; nothing is allocated.
 */
public final class PartialParity {
    private PartialParity() {
    }

    /** Read-modify-write: {@code dst = oldParity ^ oldData[0] ^ ... ^ oldData[count-1]}. */
    public static void fromOldParity(long dst, long oldParity, long[] oldData, int count, int len) {
        copy(dst, oldParity, len);
        for (int i = 0; i < count; i++) {
            Xor.xorInto(dst, oldData[i], len);
        }
    }

    /** Reconstruct-write: {@code dst = untouched[0] ^ ... ^ untouched[count-1]} (zeros when count is 0). */
    public static void fromUntouched(long dst, long[] untouched, int count, int len) {
        if (count == 0) {
            io.uraid.io.internal.UnsafeAccess.setMemory(dst, len, (byte) 0);
            return;
        }
        Xor.xor(dst, untouched, count, len);
    }

    private static void copy(long dst, long src, int len) {
        if (dst != src) {
            io.uraid.io.internal.UnsafeAccess.copyMemory(src, dst, len);
        }
    }
}
