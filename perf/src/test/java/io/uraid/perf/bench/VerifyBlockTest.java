package io.uraid.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class VerifyBlockTest {
    private final CRC32C crc = new CRC32C();

    private ByteBuffer block(long offset, int gen) {
        ByteBuffer b = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        VerifyBlock.fill(b, offset, gen, crc);
        return b;
    }

    @Test
    void aFreshBlockChecksWithItsOwnGenerationOrAny() {
        ByteBuffer b = block(8192, 3);
        assertEquals(VerifyBlock.OK, VerifyBlock.check(b, 8192, 3, crc));
        assertEquals(VerifyBlock.OK, VerifyBlock.check(b, 8192, 0, crc));
        assertEquals(0, b.position(), "position untouched");
    }

    @Test
    void everyKindOfDamageIsCaughtAndNamedWithItsOffset() {
        ByteBuffer b = block(8192, 3);
        b.put(1000, (byte) (b.get(1000) ^ 1));
        assertEquals(VerifyBlock.BAD_CRC, VerifyBlock.check(b, 8192, 3, crc));
        String why = VerifyBlock.describe(VerifyBlock.BAD_CRC, b, 8192, 3, crc);
        assertTrue(why.contains("offset 8192") && why.contains("crc32c"), why);

        assertEquals(VerifyBlock.BAD_OFFSET, VerifyBlock.check(block(4096, 1), 8192, 1, crc));
        assertEquals(VerifyBlock.BAD_GENERATION, VerifyBlock.check(block(8192, 2), 8192, 3, crc));
        assertEquals(VerifyBlock.BAD_MAGIC, VerifyBlock.check(
                ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN), 0, 0, crc));
    }

    @Test
    void contentDependsOnOffsetAndGeneration() {
        assertTrue(block(0, 1).getLong(64) != block(0, 2).getLong(64));
        assertTrue(block(0, 1).getLong(64) != block(4096, 1).getLong(64));
    }
}
