package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.fail;

import io.uraid.core.spi.Layout;
import java.util.BitSet;
import java.util.Random;

/** Checks a {@link Layout} against a {@link Reference} and against the rules every layout must keep. */
final class LayoutAssertions {

    private LayoutAssertions() {
    }

    /**
     * Walks every {@code unit} of the array (keep it small) and checks, for every copy: the
     * mapping agrees with the reference; it stays inside the member; copies of one unit sit on
     * distinct members; no member unit is used twice; and inside {@code bytesToBoundary} each
     * next unit follows the previous one on every member.
     */
    static void assertExhaustive(Layout layout, Reference ref, long[] memberBytes, int unit, String ctx) {
        long size = layout.arraySize();
        int copies = layout.copies();
        if (size % unit != 0) {
            fail(ctx + ": array size " + size + " is not a multiple of " + unit);
        }
        BitSet[] used = new BitSet[memberBytes.length];
        for (int m = 0; m < used.length; m++) {
            used[m] = new BitSet();
        }
        int[] members = new int[copies];
        for (long off = 0; off < size; off += unit) {
            long boundary = layout.bytesToBoundary(off);
            if (boundary <= 0 || boundary > size - off || boundary % unit != 0) {
                fail(ctx + ": bytesToBoundary(" + off + ") = " + boundary + " with array size " + size);
            }
            for (int c = 0; c < copies; c++) {
                int m = layout.member(off, c);
                long mo = layout.memberOffset(off, c);
                members[c] = m;
                if (m != ref.member(off, c) || mo != ref.memberOffset(off, c)) {
                    fail(ctx + ": offset " + off + " copy " + c + " maps to member " + m + " @" + mo
                            + ", reference says member " + ref.member(off, c) + " @" + ref.memberOffset(off, c));
                }
                checkInside(m, mo, unit, memberBytes, ctx, off, c);
                if (used[m].get(Math.toIntExact(mo / unit))) {
                    fail(ctx + ": member " + m + " @" + mo + " used twice (again by offset " + off + " copy " + c + ")");
                }
                used[m].set(Math.toIntExact(mo / unit));
            }
            checkDistinct(members, ctx, off);
            if (boundary > unit) {
                long next = off + unit;
                for (int c = 0; c < copies; c++) {
                    if (layout.member(next, c) != members[c]
                            || layout.memberOffset(next, c) != layout.memberOffset(off, c) + unit) {
                        fail(ctx + ": piece at " + off + " (" + boundary + " bytes to boundary) is not contiguous at "
                                + next + " copy " + c);
                    }
                }
                if (layout.bytesToBoundary(next) != boundary - unit) {
                    fail(ctx + ": bytesToBoundary(" + next + ") = " + layout.bytesToBoundary(next)
                            + " but bytesToBoundary(" + off + ") = " + boundary);
                }
            }
        }
    }

    /**
     * Checks {@code samples} random sector-aligned pieces of a (typically huge) array: each piece
     * (random length, cut at {@code bytesToBoundary}) must map contiguously, agree with the
     * reference at its first, last and a random sector, and keep copies on distinct members.
     */
    static void assertRandomPieces(Layout layout, Reference ref, long[] memberBytes, Random rnd, int samples,
                                   String ctx) {
        long size = layout.arraySize();
        int copies = layout.copies();
        int[] members = new int[copies];
        for (int i = 0; i < samples; i++) {
            long off = Math.floorMod(rnd.nextLong(), size / 512) * 512;
            long boundary = layout.bytesToBoundary(off);
            if (boundary <= 0 || boundary > size - off) {
                fail(ctx + ": bytesToBoundary(" + off + ") = " + boundary + " with array size " + size);
            }
            long piece = Math.min(boundary, 512L * (1 + rnd.nextInt(4096)));
            long[] probes = {0, piece - 512, Math.floorMod(rnd.nextLong(), piece / 512) * 512};
            for (int c = 0; c < copies; c++) {
                int m = layout.member(off, c);
                long mo = layout.memberOffset(off, c);
                members[c] = m;
                for (long p : probes) {
                    long at = off + p;
                    if (layout.member(at, c) != m || layout.memberOffset(at, c) != mo + p) {
                        fail(ctx + ": piece at " + off + " of " + piece + " bytes is not contiguous at +" + p
                                + " copy " + c);
                    }
                    if (ref.member(at, c) != m || ref.memberOffset(at, c) != mo + p) {
                        fail(ctx + ": offset " + at + " copy " + c + " maps to member " + m + " @" + (mo + p)
                                + ", reference says member " + ref.member(at, c) + " @" + ref.memberOffset(at, c));
                    }
                }
                checkInside(m, mo + piece - 512, 512, memberBytes, ctx, off, c);
            }
            checkDistinct(members, ctx, off);
        }
    }

    private static void checkInside(int m, long mo, int unit, long[] memberBytes, String ctx, long off, int c) {
        if (m < 0 || m >= memberBytes.length || mo < 0 || mo + unit > memberBytes[m]) {
            fail(ctx + ": offset " + off + " copy " + c + " maps outside the members: member " + m + " @" + mo);
        }
    }

    private static void checkDistinct(int[] members, String ctx, long off) {
        for (int a = 0; a < members.length; a++) {
            for (int b = a + 1; b < members.length; b++) {
                if (members[a] == members[b]) {
                    fail(ctx + ": copies " + a + " and " + b + " of offset " + off + " are both on member " + members[a]);
                }
            }
        }
    }
}
