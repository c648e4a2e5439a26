package io.uraid.core.plan;

import io.uraid.core.spi.Layout;

/**
 * Rebuild arithmetic for layouts that keep whole copies ({@link Layout#copies()} places per
 * byte, as md's raid1 and raid10): what of a rebuilt role's data area a prefix of the array
 * covers, so a rebuild's checkpoints (md's recovery_offset) never claim more than is copied.
 * The defaults of {@link SyncWindows}' rebuild methods.
 */
public final class CopyLayouts {
    /** Layout pieces looked at past the prefix for the member offset (many placement periods). */
    private static final int SCAN_PIECES = 1024;

    private CopyLayouts() {
    }

    /** The copy of array byte {@code at} that lives on {@code role}, or -1 when it holds none. */
    public static int copyOn(Layout layout, int role, long at) {
        for (int c = 0; c < layout.copies(); c++) {
            if (layout.member(at, c) == role) {
                return c;
            }
        }
        return -1;
    }

    /**
     * True when {@code role}'s copy of window {@code [start, end)} (one layout piece) lies below
     * {@code resumeFrom} bytes of its data area; false when it holds no copy of it.
     */
    public static boolean rebuiltBefore(Layout layout, int role, long start, long end, long resumeFrom) {
        if (resumeFrom <= 0) {
            return false;
        }
        int c = copyOn(layout, role, start);
        return c >= 0 && layout.memberOffset(start, c) + (end - start) <= resumeFrom;
    }

    /**
     * The bytes of {@code role}'s data area all of whose copies come from array bytes below
     * {@code prefix}: for each copy index, the member offset of the first piece at or past the
     * prefix that lies on the role; the least of those, and never below {@code recorded}.
     *
     * <p>That holds when, for each copy index, the offsets on any one member never decrease as
     * the array offset grows, which is true of md's raid1 and raid10 (near, far, offset) layouts;
     * so the first piece past the prefix that each copy index puts on the member bounds all later ones.
     */
    public static long rebuiltBelow(Layout layout, int role, long prefix, long recorded) {
        long size = layout.arraySize();
        if (prefix >= size) {
            return recorded; // the pass is complete: the promotion, not a checkpoint, records it
        }
        long least = Long.MAX_VALUE;
        int copies = layout.copies();
        int found = 0;
        long seen = 0; // bit c: copy c already met on the role
        long at = prefix;
        for (int i = 0; i < SCAN_PIECES && at < size && found < copies; i++) {
            for (int c = 0; c < copies; c++) {
                if ((seen & (1L << c)) == 0 && layout.member(at, c) == role) {
                    seen |= 1L << c;
                    found++;
                    least = Math.min(least, layout.memberOffset(at, c));
                }
            }
            at += layout.bytesToBoundary(at);
        }
        // A copy index not met within the scan never lands on the role: md's layouts repeat
        // their placement every few chunk rows (raid10 n2 over four disks keeps only second
        // copies on odd roles), far fewer than SCAN_PIECES pieces.
        return least == Long.MAX_VALUE ? recorded : Math.max(recorded, least);
    }
}
