package io.uraid.levels.parity;

import io.uraid.io.internal.UnsafeAccess;

/**
 * raid6's P and Q over native memory: Q = Σ g^z · D_z over GF(2^8), computed by Horner from
 * the highest slot down (Q = (((D_top)·g ⊕ D_top−1)·g ⊕ …)·g ⊕ D_0), eight bytes per step
 * ({@link GfWords#mul2}). Slot z is the kernel's syndrome slot ({@link ParityLayout#qSlot});
 * a slot whose address is 0 counts as zero data (the DDF layouts' P and Q slots).
 *
 * <p>Loops are source-major over cache-sized blocks, as in {@link Xor}. Nothing is allocated.
 */
public final class Syndrome {
    private Syndrome() {
    }

    /**
     * Writes P and Q of the data in {@code slots[0..slotCount)} ({@code slots[z]} the address
     * of slot z's data, 0 for a zero slot).
     *
     * @param p address of P's output, or 0 to compute Q alone
     * @param q address of Q's output
     */
    public static void generate(long[] slots, int slotCount, long p, long q, int len) {
        ParityMemory.checkLength(len);
        int top = highestData(slots, slotCount);
        for (int b = 0; b < len; b += Xor.BLOCK) {
            int end = Math.min(len, b + Xor.BLOCK);
            if (top < 0) {
                if (p != 0) {
                    ParityMemory.zero(p, b, end);
                }
                ParityMemory.zero(q, b, end);
                continue;
            }
            if (p != 0) {
                Xor.copy(p, slots[top], b, end);
            }
            Xor.copy(q, slots[top], b, end);
            hornerDown(slots, top - 1, -1, p, q, b, end);
        }
    }

    /**
     * Horner steps for slots {@code from} down to {@code stop + 1}: q = q·g ⊕ D_z and
     * p ^= D_z for each, over bytes [b, end). Slots with address 0 only shift q.
     */
    static void hornerDown(long[] slots, int from, int stop, long p, long q, int b, int end) {
        for (int z = from; z > stop; z--) {
            long d = slots[z];
            if (d == 0) {
                mul2InPlace(q, b, end);
            } else if (p == 0) {
                stepQ(q, d, b, end);
            } else {
                stepPQ(p, q, d, b, end);
            }
        }
    }

    static void stepPQ(long p, long q, long d, int b, int end) {
        for (int i = b; i < end; i += 8) {
            long v = UnsafeAccess.getLong(d + i);
            UnsafeAccess.putLong(p + i, UnsafeAccess.getLong(p + i) ^ v);
            UnsafeAccess.putLong(q + i, GfWords.mul2(UnsafeAccess.getLong(q + i)) ^ v);
        }
    }

    static void stepQ(long q, long d, int b, int end) {
        for (int i = b; i < end; i += 8) {
            UnsafeAccess.putLong(q + i, GfWords.mul2(UnsafeAccess.getLong(q + i)) ^ UnsafeAccess.getLong(d + i));
        }
    }

    static void mul2InPlace(long q, int b, int end) {
        for (int i = b; i < end; i += 8) {
            UnsafeAccess.putLong(q + i, GfWords.mul2(UnsafeAccess.getLong(q + i)));
        }
    }

    static int highestData(long[] slots, int slotCount) {
        if (slotCount < 0 || slotCount > slots.length) {
            throw new IllegalArgumentException("slot count " + slotCount + " outside 0.." + slots.length);
        }
        for (int z = slotCount - 1; z >= 0; z--) {
            if (slots[z] != 0) {
                return z;
            }
        }
        return -1;
    }

    /**
     * Read-modify-write of P and Q (the kernel's xor_syndrome): for the changed slots
     * {@code changed[0..count)} (strictly ascending), with their old data at {@code oldData[k]}
     * and new data at {@code newData[k]},
     * P ^= Σ (old ⊕ new) and Q ^= Σ g^slot · (old ⊕ new). P and Q are updated in place.
     *
     * @param p address of P, or 0 to update Q alone
     */
    public static void update(long p, long q, int[] changed, long[] oldData, long[] newData, int count, int len) {
        ParityMemory.checkLength(len);
        if (count < 1) {
            throw new IllegalArgumentException("no changed slot given");
        }
        for (int k = 1; k < count; k++) {
            if (changed[k] <= changed[k - 1]) {
                throw new IllegalArgumentException("changed slots must be strictly ascending");
            }
        }
        if (changed[0] < 0) {
            throw new IllegalArgumentException("negative slot " + changed[0]);
        }
        int lowest = changed[0];
        for (int i = 0; i < len; i += 8) {
            // Horner over the changed range in a register: acc = Σ g^(slot-lowest)·δ.
            long delta = UnsafeAccess.getLong(oldData[count - 1] + i) ^ UnsafeAccess.getLong(newData[count - 1] + i);
            long pd = delta;
            long acc = delta;
            for (int k = count - 2; k >= 0; k--) {
                for (int s = changed[k + 1] - changed[k]; s > 0; s--) {
                    acc = GfWords.mul2(acc);
                }
                delta = UnsafeAccess.getLong(oldData[k] + i) ^ UnsafeAccess.getLong(newData[k] + i);
                pd ^= delta;
                acc ^= delta;
            }
            for (int s = lowest; s > 0; s--) {
                acc = GfWords.mul2(acc);
            }
            if (p != 0) {
                UnsafeAccess.putLong(p + i, UnsafeAccess.getLong(p + i) ^ pd);
            }
            UnsafeAccess.putLong(q + i, UnsafeAccess.getLong(q + i) ^ acc);
        }
    }
}
