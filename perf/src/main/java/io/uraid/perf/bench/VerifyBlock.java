package io.uraid.perf.bench;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The self-describing block that {@code --verify} writes, like fio's verify header: every
 * block says where it belongs and which write put it there, and carries a crc32c of its bytes,
 * so a read proves it got the right block, the latest version and intact content.
 *
 * <pre>
 *  0  magic "uraidvfy"   8  offset (bytes)   16 generation   20 length
 *  24 crc32c of bytes [0,24) and [32,length)  28 zero   32.. payload from (offset, generation)
 * </pre>
 * Views are little-endian, positioned anywhere; the methods use absolute indexes and only move
 * position/limit of the given view (no allocation).
 */
public final class VerifyBlock {
    public static final int HEADER_BYTES = 32;
    static final long MAGIC = 0x7966766469617275L; // "uraidvfy" read little-endian

    /** Results of {@link #check}. */
    public static final int OK = 0;
    public static final int BAD_MAGIC = 1;
    public static final int BAD_OFFSET = 2;
    public static final int BAD_GENERATION = 3;
    public static final int BAD_CRC = 4;

    private VerifyBlock() {
    }

    /** Fills {@code block} (its whole capacity) with the block for {@code offset} and {@code generation}. */
    public static void fill(ByteBuffer block, long offset, int generation, CRC32C crc) {
        int len = block.capacity();
        long x = OffsetStream.mix(offset * 31 + generation);
        for (int i = HEADER_BYTES; i + 8 <= len; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            block.putLong(i, x);
        }
        block.putLong(0, MAGIC);
        block.putLong(8, offset);
        block.putInt(16, generation);
        block.putInt(20, len);
        block.putInt(28, 0);
        block.putInt(24, crc(block, crc));
    }

    /**
     * Checks a block read from {@code offset}; {@code expectedGeneration} 0 means any
     * generation is fine (the block was not written in this run).
     */
    public static int check(ByteBuffer block, long offset, int expectedGeneration, CRC32C crc) {
        if (block.getLong(0) != MAGIC || block.getInt(20) != block.capacity()) {
            return BAD_MAGIC;
        }
        if (block.getLong(8) != offset) {
            return BAD_OFFSET;
        }
        if (expectedGeneration != 0 && block.getInt(16) != expectedGeneration) {
            return BAD_GENERATION;
        }
        return block.getInt(24) == crc(block, crc) ? OK : BAD_CRC;
    }

    /** A one-line description of a failed check (built only on failure). */
    public static String describe(int code, ByteBuffer block, long offset, int expectedGeneration, CRC32C crc) {
        switch (code) {
            case BAD_MAGIC:
                return "verify failed at offset " + offset + ": no verify header (block never written, or overwritten)";
            case BAD_OFFSET:
                return "verify failed at offset " + offset + ": block belongs at offset " + block.getLong(8);
            case BAD_GENERATION:
                return "verify failed at offset " + offset + ": stale block (generation " + block.getInt(16)
                        + ", expected " + expectedGeneration + ")";
            case BAD_CRC:
                return "verify failed at offset " + offset + ": crc32c mismatch (header 0x"
                        + Integer.toHexString(block.getInt(24)) + ", content 0x"
                        + Integer.toHexString(crc(block, crc)) + ")";
            default:
                return "verify failed at offset " + offset;
        }
    }

    private static int crc(ByteBuffer block, CRC32C crc) {
        crc.reset();
        int pos = block.position();
        int lim = block.limit();
        block.limit(24).position(0);
        crc.update(block);
        block.limit(block.capacity()).position(HEADER_BYTES);
        crc.update(block);
        block.limit(lim).position(pos);
        return (int) crc.getValue();
    }
}
