package io.uraid.levels.ppl;

import io.uraid.core.sb.PplHeader;
import io.uraid.levels.parity.ParityLayout;

/**
 * The array range one PPL entry covers, read as md's recovery reads it. The entry names the
 * first modified array sector, the bytes of partial parity it logged (one 4 KiB row per
 * stripe row of the write; none for a full-stripe write) and the bytes of data modified. The
 * modified data are {@code dataDisks} consecutive chunks of one stripe, each from
 * {@code first + k·chunk} for {@code strip} bytes, cut at {@code last}; row {@code i} of the
 * strip is recovered as parity = XOR of the modified data at {@code first + i + k·chunk} and
 * partial parity row {@code i}.
 *
 * @param first     array byte of the first modified data
 * @param last      array byte the modified data end before (exclusive bound on every chunk)
 * @param dataDisks modified chunks of the stripe the recovery walks
 * @param strip     bytes of each chunk the entry covers
 * @param block     bytes recovered at a time: the array's sector unit, or 4 KiB when both ends are aligned
 */
public record EntrySpan(long first, long last, int dataDisks, int strip, int block) {

    /**
     * The span of {@code e} in {@code layout}.
     *
     * @param unitBytes bytes per {@code data_sector} unit: the array's logical block size (512 on most devices)
     * @throws IllegalArgumentException when the entry cannot describe a write to this array
     */
    public static EntrySpan of(PplHeader.Entry e, ParityLayout layout, int unitBytes) {
        long ppSize = Integer.toUnsignedLong(e.ppSize());
        long dataSize = Integer.toUnsignedLong(e.dataSize());
        long chunkSectors = layout.chunkBytes() / 512;
        long firstSector = e.dataSector() * (unitBytes / 512);
        long dd;
        long stripSectors;
        long lastSector;
        // md works in sectors here, and so must this, for the same rounding.
        if (ppSize / 512 < chunkSectors) {
            if (ppSize > 0) {
                dd = dataSize / ppSize;
                stripSectors = ppSize / 512;
            } else {
                dd = layout.dataDisks();
                stripSectors = dataSize / 512 / dd;
            }
            lastSector = firstSector + (dd - 1) * chunkSectors + stripSectors;
        } else {
            dd = layout.dataDisks();
            stripSectors = chunkSectors;
            lastSector = firstSector + dataSize / 512;
        }
        if (dd < 1 || dd > layout.dataDisks() || stripSectors < 1 || e.dataSector() < 0
                || lastSector * 512 > layout.arraySize() || firstSector * 512 >= layout.arraySize()) {
            throw new IllegalArgumentException("PPL entry " + e + " does not fit " + layout);
        }
        int block = unitBytes;
        if (unitBytes == 512 && firstSector % 8 == 0 && lastSector % 8 == 0) {
            block = PplArea.BLOCK;
        }
        return new EntrySpan(firstSector * 512, lastSector * 512, (int) dd, (int) (stripSectors * 512), block);
    }
}
