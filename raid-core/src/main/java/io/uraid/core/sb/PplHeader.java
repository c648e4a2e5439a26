package io.uraid.core.sb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The 4 KiB header of md's partial parity log (raid5 PPL, kernel {@code struct ppl_header}):
 * 512 bytes of 0xff, the array's signature, a generation, the entries, and a CRC32C of the
 * header. The partial parity of the entries follows the header, in entry order.
 *
 * <p>Every CRC here is the standard CRC32C ({@link CRC32C}; the kernel writes
 * {@code ~crc32c_le(~0, ...)}): the signature over the 16-byte array UUID, the header checksum
 * over the 4 KiB with its checksum field zero, each entry's checksum over its partial parity.
 *
 * @param signature  CRC32C of the array UUID ({@link #signature(byte[])})
 * @param generation sequence number of the log write; the newest valid header wins
 * @param entries    at most {@link #MAX_ENTRIES}
 */
public record PplHeader(int signature, long generation, List<Entry> entries) {
    /** Bytes of the header. */
    public static final int BYTES = 4096;
    /** Partial parity one log write carries at most where an area holds several (md's PPL_SPACE_SIZE). */
    public static final int UNIT_PARTIAL_PARITY = 128 * 1024;
    /** Leading bytes set to 0xff. */
    public static final int RESERVED_BYTES = 512;
    /** Most entries that fit in one header. */
    public static final int MAX_ENTRIES = (BYTES - RESERVED_BYTES - 4 * 4 - 8) / Entry.BYTES;

    static final int SIGNATURE = 512, PADDING = 516, GENERATION = 520, ENTRIES_COUNT = 528, CHECKSUM = 532,
            ENTRIES = 536;

    /**
     * One logged write.
     *
     * @param dataSector first array sector (512-byte units for md v1 arrays) of the modified data
     * @param ppSize     bytes of partial parity stored for this entry (0 for full-stripe writes)
     * @param dataSize   bytes of modified data the entry covers
     * @param parityDisk role of the stripe's parity disk (the member holding this log)
     * @param checksum   CRC32C of the entry's partial parity ({@link #checksumOf})
     */
    public record Entry(long dataSector, int ppSize, int dataSize, int parityDisk, int checksum) {
        /** Bytes of one entry. */
        public static final int BYTES = 24;
    }

    public PplHeader {
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a PPL header holds at most " + MAX_ENTRIES + " entries: " + entries.size());
        }
    }

    /**
     * True when an area of {@code pplSectors} (the superblock's ppl_size) holds log writes one
     * after another: md uses the header and whole 4 KiB blocks after it, and takes such an area
     * for "multiple PPLs" once it holds two full log writes. A running md array then records
     * feature 2048 (MULTIPLE_PPLS) instead of 1024 (PPL) in every superblock it writes.
     */
    public static boolean multipleLogs(int pplSectors) {
        long data = (long) pplSectors * 512 - BYTES;
        long used = BYTES + Math.max(0, data - data % 4096);
        return used >= 2L * (UNIT_PARTIAL_PARITY + BYTES);
    }

    /**
     * The feature bit a running array records for its log: 2048 when any member's area holds
     * several log writes ({@link #multipleLogs}), else 1024, as md's superblock writer does.
     */
    public static int runningFeature(boolean anyMultiple) {
        return anyMultiple ? MdConstants.FEATURE_MULTIPLE_PPLS : MdConstants.FEATURE_PPL;
    }

    /**
     * An empty header as mdadm --create and --add and the kernel write it (generation 0): at an
     * array's start and on a device that takes a role.
     */
    public static PplHeader empty(byte[] arrayUuid) {
        return new PplHeader(signature(arrayUuid), 0, List.of());
    }

    /** The signature of an array: CRC32C of its 16-byte UUID. */
    public static int signature(byte[] arrayUuid) {
        if (arrayUuid.length != 16) {
            throw new IllegalArgumentException("array uuid must be 16 bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(arrayUuid);
        return (int) crc.getValue();
    }

    /** CRC32C of the partial parity bytes between position and limit (the buffer is not moved). */
    public static int checksumOf(ByteBuffer partialParity) {
        CRC32C crc = new CRC32C();
        crc.update(partialParity.duplicate());
        return (int) crc.getValue();
    }

    /** Sum of the entries' pp_size: bytes of partial parity following the header. */
    public long partialParityBytes() {
        long sum = 0;
        for (Entry e : entries) {
            sum += e.ppSize() & 0xffffffffL;
        }
        return sum;
    }

    /** The 4096 bytes, checksum included. */
    public byte[] encode() {
        byte[] b = new byte[BYTES];
        encodeInto(ByteBuffer.wrap(b));
        return b;
    }

    /** Writes the 4096 bytes at the buffer's position (the buffer is not moved). */
    public void encodeInto(ByteBuffer out) {
        ByteBuffer le = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = out.position();
        for (int i = 0; i < BYTES; i++) {
            le.put(base + i, i < RESERVED_BYTES ? (byte) 0xff : 0);
        }
        le.putInt(base + SIGNATURE, signature);
        le.putLong(base + GENERATION, generation);
        le.putInt(base + ENTRIES_COUNT, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int at = base + ENTRIES + i * Entry.BYTES;
            le.putLong(at, e.dataSector());
            le.putInt(at + 8, e.ppSize());
            le.putInt(at + 12, e.dataSize());
            le.putInt(at + 16, e.parityDisk());
            le.putInt(at + 20, e.checksum());
        }
        le.putInt(base + CHECKSUM, computeChecksum(le, base));
    }

    /**
     * Decodes the header at the buffer's position (not moved). The checksum is not enforced:
     * see {@link #checksumValid(ByteBuffer)}.
     *
     * @throws IllegalArgumentException when fewer than 4096 bytes remain or the entry count is impossible
     */
    public static PplHeader decode(ByteBuffer in) {
        if (in.remaining() < BYTES) {
            throw new IllegalArgumentException("a PPL header is " + BYTES + " bytes, got " + in.remaining());
        }
        ByteBuffer le = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = in.position();
        int count = le.getInt(base + ENTRIES_COUNT);
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IllegalArgumentException("PPL header claims " + Integer.toUnsignedString(count) + " entries");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = base + ENTRIES + i * Entry.BYTES;
            entries.add(new Entry(le.getLong(at), le.getInt(at + 8), le.getInt(at + 12), le.getInt(at + 16),
                    le.getInt(at + 20)));
        }
        return new PplHeader(le.getInt(base + SIGNATURE), le.getLong(base + GENERATION), entries);
    }

    /** True when the stored checksum of the header at the buffer's position is right. */
    public static boolean checksumValid(ByteBuffer in) {
        ByteBuffer le = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return le.getInt(in.position() + CHECKSUM) == computeChecksum(le, in.position());
    }

    /** CRC32C of the 4096 bytes at {@code base} with the checksum field taken as zero. */
    private static int computeChecksum(ByteBuffer le, int base) {
        CRC32C crc = new CRC32C();
        ByteBuffer before = le.duplicate();
        before.limit(base + CHECKSUM).position(base);
        crc.update(before);
        crc.update(new byte[4]);
        ByteBuffer after = le.duplicate();
        after.limit(base + BYTES).position(base + CHECKSUM + 4);
        crc.update(after);
        return (int) crc.getValue();
    }
}
