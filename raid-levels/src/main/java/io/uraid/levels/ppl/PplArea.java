package io.uraid.levels.ppl;

import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;

/**
 * Where one member keeps its partial parity log, and how md uses the space: the area starts
 * {@code ppl_offset} sectors after the superblock and holds {@code ppl_size} sectors, of which
 * md uses a whole number of 4 KiB blocks after the header (it rounds the rest down). An area of
 * at least two 132 KiB units holds several logs one after another (md's "multiple PPLs",
 * feature bit 2048); a smaller one is rewritten at its start every time.
 *
 * @param start bytes from the device start to the area
 * @param bytes bytes of the area md uses (header plus whole 4 KiB blocks)
 */
public record PplArea(long start, int bytes) {
    /** Bytes of partial parity one log write carries at most when the area holds several. */
    public static final int UNIT_PARTIAL_PARITY = PplHeader.UNIT_PARTIAL_PARITY;
    /** Partial parity is kept per 4 KiB row of a stripe (md's stripe_head). */
    public static final int BLOCK = 4096;

    public PplArea {
        if (bytes < PplHeader.BYTES + BLOCK) {
            throw new IllegalArgumentException("a PPL area needs room for a header and one 4 KiB block, not "
                    + bytes + " bytes");
        }
    }

    /**
     * The area a device's own superblock describes (md takes ppl_offset and ppl_size from each
     * device's superblock, not the array's), checked as md checks it before a device keeps a
     * log: room for the header and one block, clear of the superblock and of the data area.
     *
     * @throws IllegalArgumentException when the superblock has no PPL, or one md would not use
     */
    public static PplArea of(MdSuperblock sb) {
        if (!PplStart.hasPpl(sb)) {
            throw new IllegalArgumentException("the superblock records no partial parity log");
        }
        long start = (sb.superOffset() + sb.pplOffset()) * 512;
        long data = (long) sb.pplSize() * 512 - PplHeader.BYTES;
        data -= data % BLOCK; // md rounds the space after the header down to whole stripe rows
        PplArea area = new PplArea(start, (int) (PplHeader.BYTES + Math.max(0, data)));
        long end = start + area.bytes();
        long dataStart = sb.dataOffset() * 512;
        long dataEnd = dataStart + sb.dataSize() * 512;
        if (start < dataStart ? end > dataStart : dataEnd > start) {
            throw new IllegalArgumentException("the partial parity log at byte " + start + " (" + area.bytes()
                    + " bytes) overlaps the data area at byte " + dataStart);
        }
        long sbBytes = (256 + 2L * sb.maxDev() + 511) & ~511L; // md's sb_size: v1 header and role table, in sectors
        if (sb.pplOffset() > 0 ? sb.pplOffset() * 512L < sbBytes : end > sb.superOffset() * 512) {
            throw new IllegalArgumentException("the partial parity log at byte " + start
                    + " overlaps the superblock at byte " + sb.superOffset() * 512);
        }
        return area;
    }

    /** True when log writes follow one another in the area (md's MD_HAS_MULTIPLE_PPLS). */
    public boolean multiple() {
        return bytes >= 2 * (UNIT_PARTIAL_PARITY + PplHeader.BYTES);
    }

    /** Most bytes of partial parity one log write may carry. */
    public int partialParitySpace() {
        return multiple() ? UNIT_PARTIAL_PARITY : bytes - PplHeader.BYTES;
    }
}
