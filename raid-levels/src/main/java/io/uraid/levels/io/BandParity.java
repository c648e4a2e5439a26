package io.uraid.levels.io;

import io.uraid.core.plan.Legs;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;
import io.uraid.levels.parity.Syndrome;
import io.uraid.levels.parity.Xor;

/**
 * The new parity of one band of a write plan, computed on the dispatcher thread once its reads
 * are in: read-modify-write folds old and new data of the written rows into the old P (and Q,
 * the kernel's xor_syndrome); reconstruct-write and rebuild compute P (and Q) from the band's
 * rows, the client's bytes for the rows it writes, scratch for the others (rebuild first
 * recreates the missing members' rows). Both go piece by piece ({@link StripeBand#pieces}): a
 * plan gathering several requests has a piece per request and chunk. Nothing is allocated.
 */
final class BandParity {
    private final ParityLayout layout;
    private final StripeParity math;
    private final int n;
    private final long[] roleAddress;
    private final int[] slot = new int[1];
    private final long[] oldData = new long[1];
    private final long[] newData = new long[1];

    BandParity(ParityLayout layout, StripeParity math) {
        this.layout = layout;
        this.math = math;
        this.n = layout.raidDisks();
        this.roleAddress = new long[n];
    }

    /** The band's new parity, into the parity roles' scratch. */
    void compute(StripeBand band, Legs legs) {
        int h0 = band.rowFrom;
        int len = band.rowTo - h0;
        long stripe = band.stripe;
        int pRole = layout.pRole(stripe);
        int qRole = layout.qRole(stripe);
        if (band.mode == PlanState.RMW) {
            boolean q = qRole >= 0 && legs.member(qRole).writable();
            long pAddress = legs.member(pRole).writable() ? band.scratch(pRole) : 0;
            for (int i = 0; i < band.pieces(); i++) {
                int role = layout.dataRole(stripe, band.pieceData(i));
                int at = band.pieceFrom(i) - h0;
                int rows = band.pieceTo(i) - band.pieceFrom(i);
                if (q) {
                    slot[0] = layout.qSlot(stripe, role);
                    oldData[0] = band.scratch(role) + at;
                    newData[0] = band.pieceAddress(i);
                    Syndrome.update(pAddress == 0 ? 0 : pAddress + at, band.scratch(qRole) + at, slot, oldData, newData,
                            1, rows);
                } else {
                    Xor.xorInto(pAddress + at, band.scratch(role) + at, band.pieceAddress(i), rows);
                }
            }
            return;
        }
        for (int role = 0; role < n; role++) {
            roleAddress[role] = band.scratch(role);
        }
        if (band.mode == PlanState.REBUILD) {
            int lostA = -1;
            int lostB = -1;
            for (int role = 0; role < n; role++) {
                if ((band.readRoles & 1L << role) == 0) { // as read: a rebuild may have ended since
                    if (lostA < 0) {
                        lostA = role;
                    } else {
                        lostB = role;
                    }
                }
            }
            math.rebuild(stripe, roleAddress, lostA, lostB, len);
        }
        for (int i = 0; i < band.pieces(); i++) {
            int dd = band.pieceData(i);
            int role = layout.dataRole(stripe, dd);
            int from = band.pieceFrom(i);
            int to = band.pieceTo(i);
            if (from == h0 && to == band.rowTo) {
                roleAddress[role] = band.pieceAddress(i); // the whole band is new: computed from the client's bytes
            } else {
                UnsafeAccess.copyMemory(band.pieceAddress(i), band.scratch(role) + (from - h0), to - from);
            }
        }
        math.computeParity(stripe, roleAddress, len);
    }
}
