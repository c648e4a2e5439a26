package io.uraid.levels.ppl;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import io.uraid.io.internal.UnsafeAccess;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One log write of a member's partial parity log, built as md builds it: a 4 KiB header
 * followed by the partial parity of its entries, in one native buffer that goes out as one
 * write (FUA) to the member holding the parity of every stripe it logs.
 *
 * <p>Each stripe row (4 KiB of every member at one member offset, md's stripe_head) that a
 * write modifies adds its 4 KiB of partial parity (none for a full-stripe write) and
 * {@code modifiedDisks × 4 KiB} of data size; a row continues the last entry when it is the next
 * row, in the same chunk, modifying the same data chunks (md's merge rule), else it opens a
 * new entry. Nothing is allocated after construction: the buffer, the entry fields and the CRC
 * are reused by {@link #reset}.
 */
public final class PplLogUnit implements AutoCloseable {
    private static final int SIGNATURE = 512, GENERATION = 520, ENTRIES_COUNT = 528, CHECKSUM = 532, ENTRIES = 536;

    private final int signature;
    private final int chunkShift;
    private final int unitShift;
    private final int capacity;
    /** Partial parity bytes one log write may carry: the capacity, or less for a smaller area. */
    private int partialParitySpace;
    private final NativeBuffer buffer;
    private final ByteBuffer le;
    private final ByteBuffer crcView;
    private final CRC32C entryCrc = new CRC32C();
    private final CRC32C headerCrc = new CRC32C();
    private int entries;
    private int ppBytes;
    /** Member offset just after the last row logged (where a continuing row starts). */
    private long lastRow = -1;
    private long lastSector;
    private int lastDataSize;
    private long generation;

    /**
     * @param signature          the array's PPL signature
     * @param chunkBytes         the array's chunk
     * @param unitBytes          bytes per entry sector unit (the array's logical block size)
     * @param partialParitySpace most partial parity bytes per write ({@link PplArea#partialParitySpace})
     */
    public PplLogUnit(int signature, int chunkBytes, int unitBytes, int partialParitySpace) {
        this.signature = signature;
        this.chunkShift = Integer.numberOfTrailingZeros(chunkBytes);
        this.unitShift = Integer.numberOfTrailingZeros(unitBytes);
        this.capacity = partialParitySpace - partialParitySpace % PplArea.BLOCK;
        this.partialParitySpace = capacity;
        this.buffer = NativeBuffer.allocate(PplHeader.BYTES + capacity);
        this.le = buffer.view().order(ByteOrder.LITTLE_ENDIAN);
        this.crcView = buffer.view();
        reset(0);
    }

    /** Empties the unit for a new log write of {@code generation}. */
    public void reset(long generation) {
        this.generation = generation;
        entries = 0;
        ppBytes = 0;
        lastRow = -1;
        for (int i = 0; i < PplHeader.BYTES; i += 8) {
            le.putLong(i, i < PplHeader.RESERVED_BYTES ? -1L : 0L);
        }
    }

    /**
     * Caps the partial parity of the next log writes at {@code partialParitySpace} (never above
     * the capacity given at construction): the area of the device now in the role may be
     * smaller than the one the unit was sized for. Takes effect at once; call on an empty unit.
     */
    public void limit(int partialParitySpace) {
        this.partialParitySpace = Math.min(capacity, partialParitySpace - partialParitySpace % PplArea.BLOCK);
    }

    public long generation() {
        return generation;
    }

    public int entries() {
        return entries;
    }

    /** True when the unit logs nothing yet. */
    public boolean isEmpty() {
        return entries == 0;
    }

    /** True when a row (with partial parity unless {@code fullStripe}) still fits, as md decides. */
    public boolean hasRoom(boolean fullStripe) {
        return hasRoom(1, fullStripe ? 0 : PplArea.BLOCK);
    }

    /** True when {@code entries} more entries with {@code partialParityBytes} of partial parity still fit. */
    public boolean hasRoom(int entries, int partialParityBytes) {
        return this.entries + entries <= PplHeader.MAX_ENTRIES && ppBytes + partialParityBytes <= partialParitySpace;
    }

    /**
     * Where the partial parity of the next rows goes: a caller may compute it there and pass
     * this address to {@link #addRows} (nothing is copied then).
     */
    public long partialParitySlot() {
        return buffer.address() + PplHeader.BYTES + ppBytes;
    }

    /** Logs one 4 KiB stripe row of a write: {@link #addRows} of 4096 bytes. */
    public void addRow(long memberRow, long firstArrayByte, int modifiedDisks, int parityRole, long partialParity) {
        addRows(memberRow, firstArrayByte, modifiedDisks, parityRole, partialParity, PplArea.BLOCK);
    }

    /**
     * Logs rows {@code [memberRow, memberRow + length)} of a write that modifies the same
     * {@code modifiedDisks} consecutive data chunks of one stripe in each of them (md logs 4 KiB
     * rows; its recovery also takes 512-byte multiples, which writes of less than a row need).
     *
     * @param memberRow       data-area offset of the first row on every member
     * @param firstArrayByte  array byte of the first row of the first modified chunk
     * @param modifiedDisks   data chunks the write modifies in these rows
     * @param parityRole      the stripe's parity role (the member this unit goes to)
     * @param partialParity   native address of the rows' partial parity ({@code length} bytes), or
     *                        0 when every data chunk of the stripe is modified (md's full-stripe write)
     * @param length          bytes per chunk, a multiple of 512
     * @throws IllegalStateException when the rows do not fit ({@link #hasRoom})
     */
    public void addRows(long memberRow, long firstArrayByte, int modifiedDisks, int parityRole, long partialParity,
                        int length) {
        int ppLength = partialParity == 0 ? 0 : length;
        long sector = firstArrayByte >>> 9;
        boolean continues = entries > 0 && memberRow == lastRow
                && (sector >>> (chunkShift - 9)) == (lastSector >>> (chunkShift - 9))
                && (sector - lastSector) * modifiedDisks == (lastDataSize >>> 9);
        if (!hasRoom(continues ? 0 : 1, ppLength)) {
            throw new IllegalStateException("the PPL unit is full");
        }
        int e;
        if (continues) {
            e = entries - 1;
        } else {
            e = entries++;
            lastSector = sector;
            lastDataSize = 0;
            int at = ENTRIES + e * PplHeader.Entry.BYTES;
            le.putLong(at, sector >>> (unitShift - 9));
            le.putInt(at + 8, 0);
            le.putInt(at + 12, 0);
            le.putInt(at + 16, parityRole);
            le.putInt(at + 20, 0);
            entryCrc.reset();
        }
        int at = ENTRIES + e * PplHeader.Entry.BYTES;
        lastRow = memberRow + length;
        lastDataSize += modifiedDisks * length;
        le.putInt(at + 12, lastDataSize);
        if (partialParity != 0) {
            long dst = partialParitySlot();
            if (partialParity != dst) {
                UnsafeAccess.copyMemory(partialParity, dst, length);
            }
            crcView.limit(PplHeader.BYTES + ppBytes + length).position(PplHeader.BYTES + ppBytes);
            entryCrc.update(crcView);
            ppBytes += length;
            le.putInt(at + 8, le.getInt(at + 8) + length);
            le.putInt(at + 20, (int) entryCrc.getValue());
        }
    }

    /**
     * Completes the header (entry count, signature, generation, checksum) and returns the
     * bytes to write: the header and the partial parity, from {@link #address()}.
     */
    public int seal() {
        le.putInt(SIGNATURE, signature);
        le.putLong(GENERATION, generation);
        le.putInt(ENTRIES_COUNT, entries);
        le.putInt(CHECKSUM, 0);
        headerCrc.reset();
        crcView.limit(PplHeader.BYTES).position(0);
        headerCrc.update(crcView);
        le.putInt(CHECKSUM, (int) headerCrc.getValue());
        return PplHeader.BYTES + ppBytes;
    }

    /** Native address of the unit's bytes. */
    public long address() {
        return buffer.address();
    }

    /** The sealed bytes as a buffer (allocates a view: for tools and tests, not the request path). */
    public ByteBuffer view() {
        return buffer.view(0, bytes());
    }

    /** Bytes {@link #seal} returns. */
    public int bytes() {
        return PplHeader.BYTES + ppBytes;
    }

    @Override
    public void close() {
        buffer.close();
    }
}
