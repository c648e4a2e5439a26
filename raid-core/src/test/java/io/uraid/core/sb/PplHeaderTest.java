package io.uraid.core.sb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PPL header codec. The fixed values come from a header Linux 6.1 wrote (mdadm --create
 * --consistency-policy=ppl, array UUID 4a9425b2:a76e7b65:a1f7cbaa:371459c7): signature bytes
 * d4 6b f3 fe at 512, checksum bytes 97 05 5c 0b at 532, generation 0, no entries. The kernel
 * oracle test (raid-levels ParityKernelOracleTest) checks logs with entries both ways.
 */
class PplHeaderTest {
    private static final byte[] UUID = HexFormat.of().parseHex("4a9425b2a76e7b65a1f7cbaa371459c7");

    @Test
    void emptyHeaderIsWhatTheKernelWrote() {
        byte[] b = PplHeader.empty(UUID).encode();
        assertEquals(4096, b.length);
        for (int i = 0; i < 512; i++) {
            assertEquals((byte) 0xff, b[i]);
        }
        assertEquals("d46bf3fe", HexFormat.of().formatHex(b, 512, 516));
        assertEquals("97055c0b", HexFormat.of().formatHex(b, 532, 536));
        for (int i = 516; i < 4096; i++) {
            if (i < 532 || i >= 536) {
                assertEquals(0, b[i], "byte " + i);
            }
        }
        assertEquals(0xfef36bd4, PplHeader.signature(UUID));
    }

    @Test
    void entriesRoundTripAndTheChecksumCoversEveryByte() {
        List<PplHeader.Entry> entries = new ArrayList<>();
        for (int i = 0; i < PplHeader.MAX_ENTRIES; i++) {
            entries.add(new PplHeader.Entry(1000L * i + (1L << 40), 4096 * (i % 3), 8192, i % 7, 0x12345 * i));
        }
        PplHeader h = new PplHeader(PplHeader.signature(UUID), 77, entries);
        byte[] b = h.encode();
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertTrue(PplHeader.checksumValid(buf));
        assertEquals(h, PplHeader.decode(buf));
        assertEquals(148, PplHeader.MAX_ENTRIES);
        for (int i : new int[] {0, 511, 512, 520, 528, 536, 4095}) {
            byte[] bad = b.clone();
            bad[i] ^= 1;
            assertFalse(PplHeader.checksumValid(ByteBuffer.wrap(bad)), "flip at " + i);
        }
        ByteBuffer shifted = ByteBuffer.allocate(4096 + 100).position(100);
        h.encodeInto(shifted);
        assertArrayEquals(b, java.util.Arrays.copyOfRange(shifted.array(), 100, 4196));
        assertEquals(100, shifted.position());
    }

    @Test
    void partialParityChecksumIsCrc32cAndEmptyIsZero() {
        assertEquals(0, PplHeader.checksumOf(ByteBuffer.allocate(0)));
        assertEquals(0xe3069283, PplHeader.checksumOf(ByteBuffer.wrap("123456789".getBytes())));
    }

    @Test
    void impossibleHeadersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PplHeader.decode(ByteBuffer.allocate(100)));
        byte[] b = PplHeader.empty(UUID).encode();
        b[528] = (byte) 200;
        assertThrows(IllegalArgumentException.class, () -> PplHeader.decode(ByteBuffer.wrap(b)));
        assertThrows(IllegalArgumentException.class, () -> new PplHeader(0, 0,
                java.util.Collections.nCopies(149, new PplHeader.Entry(0, 0, 0, 0, 0))));
    }

    @Test
    void anAreaOfTwoFullLogWritesHoldsSeveralAsMdCountsIt() {
        // md (raid5-ppl.c): the header and whole 4 KiB blocks after it; several log writes once
        // that is at least 2 x (128 KiB + 4 KiB) = 528 sectors. mdadm's 2048 sectors: several.
        assertTrue(PplHeader.multipleLogs(2048));
        assertTrue(PplHeader.multipleLogs(528));
        assertFalse(PplHeader.multipleLogs(527));
        assertFalse(PplHeader.multipleLogs(535 - 8)); // 527: one sector short
        assertTrue(PplHeader.multipleLogs(535)); // 528 usable, the rest ignored
        assertEquals(MdConstants.FEATURE_MULTIPLE_PPLS, PplHeader.runningFeature(true));
        assertEquals(MdConstants.FEATURE_PPL, PplHeader.runningFeature(false));
    }
}
