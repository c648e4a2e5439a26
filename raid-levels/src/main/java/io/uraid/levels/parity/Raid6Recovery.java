package io.uraid.levels.parity;

import io.uraid.io.internal.UnsafeAccess;

/**
 * Rebuilds raid6 chunks lost two at a time (or one), from the survivors, over native memory.
 * Slots are syndrome slots as in {@link Syndrome}: {@code slots[z]} is the address of slot
 * z's data, 0 for a zero slot; the slots being rebuilt hold the address of their output
 * buffer (its content is ignored and overwritten).
 *
 * <p>The formulas are the standard ones (H. P. Anvin, "The mathematics of RAID-6"): with
 * Pxy, Qxy the P and Q of the stripe computed with the two lost data chunks taken as zero,
 * a = P ⊕ Pxy = Dx ⊕ Dy and b = Q ⊕ Qxy = g^x·Dx ⊕ g^y·Dy, so
 * Dx = A·a ⊕ B·b with A = g^(y−x)/(g^(y−x) ⊕ 1), B = g^(−x)/(g^(y−x) ⊕ 1), and Dy = a ⊕ Dx.
 * Nothing is allocated.
 */
public final class Raid6Recovery {
    private Raid6Recovery() {
    }

    /** Rebuilds data slots x and y (x ≠ y) from the other data, P and Q. */
    public static void dataData(long[] slots, int slotCount, int x, int y, long p, long q, int len) {
        ParityMemory.checkLength(len);
        checkSlot(slots, slotCount, x);
        checkSlot(slots, slotCount, y);
        if (x == y) {
            throw new IllegalArgumentException("the two lost slots must differ: " + x);
        }
        if (x > y) {
            int t = x;
            x = y;
            y = t;
        }
        long dx = slots[x];
        long dy = slots[y];
        int denominator = Gf256.pow2(y - x) ^ 1;
        byte[] table = Gf256.mulTable();
        int rowA = Gf256.rowOffset(Gf256.div(Gf256.pow2(y - x), denominator));
        int rowB = Gf256.rowOffset(Gf256.div(Gf256.pow2(-x), denominator));
        for (int b = 0; b < len; b += Xor.BLOCK) {
            int end = Math.min(len, b + Xor.BLOCK);
            // dx <- Pxy, dy <- Qxy: P and Q with both lost slots taken as zero.
            partialPQ(slots, slotCount, x, y, dx, dy, b, end);
            for (int i = b; i < end; i += 8) {
                long a = UnsafeAccess.getLong(p + i) ^ UnsafeAccess.getLong(dx + i);
                long c = UnsafeAccess.getLong(q + i) ^ UnsafeAccess.getLong(dy + i);
                long vx = GfWords.mulConst(a, table, rowA) ^ GfWords.mulConst(c, table, rowB);
                UnsafeAccess.putLong(dx + i, vx);
                UnsafeAccess.putLong(dy + i, a ^ vx);
            }
        }
    }

    /** Rebuilds data slot x from the other data and Q, then P from all data ({@code p} is output). */
    public static void dataP(long[] slots, int slotCount, int x, long p, long q, int len) {
        ParityMemory.checkLength(len);
        checkSlot(slots, slotCount, x);
        long dx = slots[x];
        byte[] table = Gf256.mulTable();
        int row = Gf256.rowOffset(Gf256.pow2(-x));
        for (int b = 0; b < len; b += Xor.BLOCK) {
            int end = Math.min(len, b + Xor.BLOCK);
            partialPQ(slots, slotCount, x, -1, 0, dx, b, end); // dx <- Qx
            for (int i = b; i < end; i += 8) {
                long v = UnsafeAccess.getLong(q + i) ^ UnsafeAccess.getLong(dx + i);
                UnsafeAccess.putLong(dx + i, GfWords.mulConst(v, table, row));
            }
            xorData(slots, slotCount, -1, p, b, end);
        }
    }

    /**
     * Rebuilds data slot x from P and the other data, then Q ({@code q} is output; 0 to skip Q).
     * With {@code q} = 0 this is also raid5's single-chunk rebuild.
     */
    public static void dataQ(long[] slots, int slotCount, int x, long p, long q, int len) {
        ParityMemory.checkLength(len);
        checkSlot(slots, slotCount, x);
        long dx = slots[x];
        for (int b = 0; b < len; b += Xor.BLOCK) {
            int end = Math.min(len, b + Xor.BLOCK);
            Xor.copy(dx, p, b, end);
            for (int z = 0; z < slotCount; z++) {
                if (z != x && slots[z] != 0) {
                    Xor.xorInto(dx, slots[z], b, end);
                }
            }
        }
        if (q != 0) {
            Syndrome.generate(slots, slotCount, 0, q, len);
        }
    }

    /**
     * Over bytes [b, end): {@code pOut} = XOR of the data slots other than x and y (skipped
     * when pOut is 0) and {@code qOut} = Σ g^z·D_z over them.
     */
    private static void partialPQ(long[] slots, int slotCount, int x, int y, long pOut, long qOut, int b, int end) {
        int top = -1;
        for (int z = slotCount - 1; z >= 0; z--) {
            if (z != x && z != y && slots[z] != 0) {
                top = z;
                break;
            }
        }
        if (top < 0) {
            if (pOut != 0) {
                ParityMemory.zero(pOut, b, end);
            }
            ParityMemory.zero(qOut, b, end);
            return;
        }
        if (pOut != 0) {
            Xor.copy(pOut, slots[top], b, end);
        }
        Xor.copy(qOut, slots[top], b, end);
        for (int z = top - 1; z >= 0; z--) {
            long d = z == x || z == y ? 0 : slots[z];
            if (d == 0) {
                Syndrome.mul2InPlace(qOut, b, end);
            } else if (pOut == 0) {
                Syndrome.stepQ(qOut, d, b, end);
            } else {
                Syndrome.stepPQ(pOut, qOut, d, b, end);
            }
        }
    }

    private static void xorData(long[] slots, int slotCount, int skip, long out, int b, int end) {
        boolean first = true;
        for (int z = 0; z < slotCount; z++) {
            if (z != skip && slots[z] != 0) {
                if (first) {
                    Xor.copy(out, slots[z], b, end);
                    first = false;
                } else {
                    Xor.xorInto(out, slots[z], b, end);
                }
            }
        }
        if (first) {
            ParityMemory.zero(out, b, end);
        }
    }

    private static void checkSlot(long[] slots, int slotCount, int z) {
        if (slotCount > slots.length || z < 0 || z >= slotCount || slots[z] == 0) {
            throw new IllegalArgumentException("slot " + z + " is not a data slot with an output buffer");
        }
    }
}
