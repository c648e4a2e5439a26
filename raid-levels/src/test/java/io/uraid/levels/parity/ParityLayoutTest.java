package io.uraid.levels.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.MdNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic's own invariants and md's documented examples. Byte compatibility with the
 * kernel is proven by ParityKernelOracleTest; these tests pin the shape of the API.
 */
class ParityLayoutTest {

    static List<ParityLayout> everyLayout(int maxDisks) {
        List<ParityLayout> all = new ArrayList<>();
        for (int level : new int[] {4, 5, 6}) {
            for (ParityAlgorithm a : ParityAlgorithm.values()) {
                if (level == 4 && a != ParityAlgorithm.PARITY_LAST || level == 5 && a.raid6Only()) {
                    continue;
                }
                for (int n = ParityLayout.minDisks(level); n <= maxDisks; n++) {
                    all.add(ParityLayout.of(level, level == 4 ? 0 : a.word(), n, 4096, 4096L * 40));
                }
            }
        }
        return all;
    }

    @Test
    void everyStripePutsDataParityAndQOnDistinctRolesAndInvertsExactly() {
        for (ParityLayout l : everyLayout(9)) {
            for (long s = 0; s < l.stripes(); s++) {
                boolean[] used = new boolean[l.raidDisks()];
                int p = l.pRole(s);
                used[p] = true;
                int q = l.qRole(s);
                if (l.level() == 6) {
                    assertTrue(!used[q], l + " stripe " + s + ": Q on P");
                    used[q] = true;
                } else {
                    assertEquals(-1, q);
                }
                for (int dd = 0; dd < l.dataDisks(); dd++) {
                    int r = l.dataRole(s, dd);
                    assertTrue(!used[r], l + " stripe " + s + " data " + dd + " on a used role " + r);
                    used[r] = true;
                    assertEquals(dd, l.dataIndexOfRole(s, r), l + " stripe " + s + " role " + r);
                    long off = l.arrayOffsetOf(s, dd) + 123;
                    assertEquals(s, l.stripeOf(off));
                    assertEquals(dd, l.dataIndexOf(off));
                    assertEquals(r, l.roleOf(off));
                    assertEquals(l.memberOffsetOfStripe(s) + 123, l.memberOffsetOf(off));
                }
                assertEquals(-1, l.dataIndexOfRole(s, p));
                if (q >= 0) {
                    assertEquals(-1, l.dataIndexOfRole(s, q));
                }
            }
        }
    }

    @Test
    void syndromeSlotsArePermutationsAndRoleOfSlotInvertsThem() {
        for (ParityLayout l : everyLayout(9)) {
            if (l.level() != 6) {
                assertEquals(0, l.syndromeSlots());
                continue;
            }
            for (long s = 0; s < l.stripes(); s++) {
                boolean[] seen = new boolean[l.syndromeSlots()];
                for (int r = 0; r < l.raidDisks(); r++) {
                    int z = l.qSlot(s, r);
                    if (l.dataIndexOfRole(s, r) < 0) {
                        assertEquals(-1, z);
                        continue;
                    }
                    assertTrue(!seen[z], l + " stripe " + s + " slot " + z + " twice");
                    seen[z] = true;
                    assertEquals(r, l.roleOfSlot(s, z));
                }
            }
        }
    }

    @Test
    void leftSymmetricQOrderIsTheLogicalDataOrder() {
        ParityLayout l = ParityLayout.of(6, 2, 7, 4096, 4096L * 30);
        for (long s = 0; s < l.stripes(); s++) {
            for (int dd = 0; dd < l.dataDisks(); dd++) {
                assertEquals(dd, l.qSlot(s, l.dataRole(s, dd)));
            }
        }
    }

    @Test
    void leftAsymmetricQOrderStartsAfterQAsTheReferenceExampleSays() {
        // parity-md.md: n = 5, stripe 2: P on 2, Q on 3, data D0..D2 on disks 0, 1, 4; slots walk disks 4, 0, 1.
        ParityLayout l = ParityLayout.of(6, 0, 5, 4096, 4096L * 10);
        assertEquals(2, l.pRole(2));
        assertEquals(3, l.qRole(2));
        assertEquals(0, l.dataRole(2, 0));
        assertEquals(1, l.dataRole(2, 1));
        assertEquals(4, l.dataRole(2, 2));
        assertEquals(0, l.qSlot(2, 4));
        assertEquals(1, l.qSlot(2, 0));
        assertEquals(2, l.qSlot(2, 1));
    }

    @Test
    void raid5LayoutsFollowTheTableOfParityMd() {
        // n = 4, stripe 1: s = 1.
        assertEquals(2, ParityLayout.of(5, 0, 4, 4096, 1 << 20).pRole(1)); // left: D - s
        assertEquals(1, ParityLayout.of(5, 1, 4, 4096, 1 << 20).pRole(1)); // right: s
        ParityLayout ls = ParityLayout.of(5, 2, 4, 4096, 1 << 20);
        assertEquals(3, ls.dataRole(1, 0)); // (pd + 1 + dd) % n
        assertEquals(0, ls.dataRole(1, 1));
        ParityLayout la = ParityLayout.of(5, 0, 4, 4096, 1 << 20);
        assertEquals(0, la.dataRole(1, 0));
        assertEquals(1, la.dataRole(1, 1));
        assertEquals(3, la.dataRole(1, 2)); // +1 past P
        assertEquals(0, ParityLayout.of(5, 4, 4, 4096, 1 << 20).pRole(7));
        assertEquals(3, ParityLayout.of(5, 5, 4, 4096, 1 << 20).pRole(7));
        assertEquals(3, ParityLayout.of(4, 0, 4, 4096, 1 << 20).pRole(7)); // raid4: last disk, word ignored
    }

    @Test
    void sizesAreWholeChunksTimesDataDisks() {
        ParityLayout l = ParityLayout.of(6, 2, 6, 64 << 10, (3L << 20) + 5000);
        assertEquals(48, l.stripes());
        assertEquals(3L << 20, l.memberBytesUsed());
        assertEquals(4 * (3L << 20), l.arraySize());
        assertEquals(4 * (64L << 10), l.stripeBytes());
    }

    @Test
    void refusesWhatMdRefusesWithOneLineReasons() {
        assertEquals("raid6 needs at least 4 raid devices, got 3",
                assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(6, 2, 3, 4096, 1 << 20)).getMessage());
        assertEquals("raid5 needs at least 2 raid devices, got 1",
                assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(5, 2, 1, 4096, 1 << 20)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(5, 2, 4, 8192 + 4096, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(5, 2, 4, 2048, 1 << 20));
        assertEquals("layout 18 is not a raid5 layout",
                assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(5, 18, 4, 4096, 1 << 20)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParityLayout.of(6, 7, 4, 4096, 1 << 20));
    }

    @Test
    void namesParseAsMdadmSpellsThemAndMatchWhatExaminePrints() {
        for (ParityAlgorithm a : ParityAlgorithm.values()) {
            assertEquals(a.word(), ParityAlgorithm.parse(6, a.mdadmName()));
            assertEquals(a.mdadmName(), MdNames.raid6Layout(a.word()));
            if (!a.raid6Only()) {
                assertEquals(a.word(), ParityAlgorithm.parse(5, a.mdadmName()));
                assertEquals(a.mdadmName(), MdNames.raid5Layout(a.word()));
            }
        }
        assertEquals(2, ParityAlgorithm.parse(5, "default"));
        assertEquals(0, ParityAlgorithm.parse(6, "la"));
        assertEquals(3, ParityAlgorithm.parse(5, "rs"));
        assertEquals(1, ParityAlgorithm.parse(5, "ddf-zero-restart")); // mdadm's r5layout alias
        assertEquals(0, ParityAlgorithm.parse(5, "ddf-N-restart"));
        assertEquals(2, ParityAlgorithm.parse(5, "ddf-N-continue"));
        assertEquals(10, ParityAlgorithm.parse(6, "ddf-n-continue"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParityAlgorithm.parse(5, "left-symmetric-6"));
        assertTrue(e.getMessage().startsWith("unknown raid5 layout 'left-symmetric-6'; valid: left-asymmetric"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParityAlgorithm.parse(6, "n2"));
        assertThrows(IllegalArgumentException.class, () -> ParityAlgorithm.parse(4, "parity-last"));
    }
}
