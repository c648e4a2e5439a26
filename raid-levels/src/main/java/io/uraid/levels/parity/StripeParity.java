package io.uraid.levels.parity;

import java.util.Arrays;

/**
 * Parity of one stripe addressed by member role: the glue between {@link ParityLayout} and
 * the kernels. The caller gives, per role, the native address of that role's piece of the
 * stripe (the same member offset range on every role); this class finds which roles hold
 * data, P and Q and in which syndrome slot, and runs {@link Xor}, {@link Syndrome} or
 * {@link Raid6Recovery}. One instance per thread: it keeps small scratch arrays so that no
 * call allocates.
 */
public final class StripeParity {
    private final ParityLayout layout;
    private final long[] slots;
    private final long[] sources;

    public StripeParity(ParityLayout layout) {
        this.layout = layout;
        this.slots = new long[Math.max(layout.syndromeSlots(), layout.dataDisks())];
        this.sources = new long[layout.raidDisks()];
    }

    public ParityLayout layout() {
        return layout;
    }

    /**
     * Writes P (and Q) of stripe {@code stripe} from its data: {@code roleAddress[r]} is read
     * for the data roles and written for the P and Q roles.
     */
    public void computeParity(long stripe, long[] roleAddress, int len) {
        int p = layout.pRole(stripe);
        if (layout.level() != 6) {
            int n = 0;
            for (int r = 0; r < layout.raidDisks(); r++) {
                if (r != p) {
                    sources[n++] = roleAddress[r];
                }
            }
            Xor.xor(roleAddress[p], sources, n, len);
            return;
        }
        int slotCount = fillSlots(stripe, roleAddress);
        Syndrome.generate(slots, slotCount, roleAddress[p], roleAddress[layout.qRole(stripe)], len);
    }

    /**
     * Rebuilds the lost roles {@code lostA} and {@code lostB} (−1 when only one is lost) of
     * stripe {@code stripe} from the others: every other role's address is read, the lost
     * roles' addresses are written.
     *
     * @throws IllegalArgumentException when more roles are lost than the level survives
     */
    public void rebuild(long stripe, long[] roleAddress, int lostA, int lostB, int len) {
        if (lostA < 0 || lostA == lostB) {
            throw new IllegalArgumentException("lost roles must be distinct and the first given: " + lostA + ", " + lostB);
        }
        if (lostB < 0) {
            rebuildOne(stripe, roleAddress, lostA, len);
            return;
        }
        if (layout.level() != 6) {
            throw new IllegalArgumentException("raid" + layout.level() + " cannot rebuild two lost members");
        }
        int p = layout.pRole(stripe);
        int q = layout.qRole(stripe);
        int slotCount = fillSlots(stripe, roleAddress);
        boolean aParity = lostA == p || lostA == q;
        boolean bParity = lostB == p || lostB == q;
        if (aParity && bParity) {
            Syndrome.generate(slots, slotCount, roleAddress[p], roleAddress[q], len);
        } else if (!aParity && !bParity) {
            Raid6Recovery.dataData(slots, slotCount, layout.qSlot(stripe, lostA), layout.qSlot(stripe, lostB),
                    roleAddress[p], roleAddress[q], len);
        } else {
            int data = aParity ? lostB : lostA;
            int parity = aParity ? lostA : lostB;
            if (parity == p) {
                Raid6Recovery.dataP(slots, slotCount, layout.qSlot(stripe, data), roleAddress[p], roleAddress[q], len);
            } else {
                Raid6Recovery.dataQ(slots, slotCount, layout.qSlot(stripe, data), roleAddress[p], roleAddress[q], len);
            }
        }
    }

    private void rebuildOne(long stripe, long[] roleAddress, int lost, int len) {
        int q = layout.qRole(stripe);
        if (lost == q) {
            int slotCount = fillSlots(stripe, roleAddress);
            Syndrome.generate(slots, slotCount, 0, roleAddress[q], len);
            return;
        }
        // Any single role but Q is the XOR of the others without Q (raid4/5 parity, raid6 P).
        int n = 0;
        for (int r = 0; r < layout.raidDisks(); r++) {
            if (r != lost && r != q) {
                sources[n++] = roleAddress[r];
            }
        }
        Xor.xor(roleAddress[lost], sources, n, len);
    }

    /** slots[z] = address of the data in syndrome slot z (0 for the DDF P/Q slots); returns the slot count. */
    private int fillSlots(long stripe, long[] roleAddress) {
        int count = layout.syndromeSlots();
        Arrays.fill(slots, 0, count, 0L);
        for (int r = 0; r < layout.raidDisks(); r++) {
            int z = layout.qSlot(stripe, r);
            if (z >= 0) {
                slots[z] = roleAddress[r];
            }
        }
        return count;
    }
}
