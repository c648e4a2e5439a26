package io.uraid.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class NativeBufferTest {

    /** Sizes that are not multiples of the alignment used to come out short (alignedSlice rounds down). */
    @Test
    void everyCapacityIsAlignedAndWholeAndWritable() {
        int[] capacities = {1, 8, 511, 856, 4095, 4096, 4097, 13336, 1 << 20};
        int[] alignments = {8, 512, 4096};
        for (int a : alignments) {
            for (int c : capacities) {
                try (NativeBuffer b = NativeBuffer.allocate(c, a)) {
                    assertEquals(0, b.address() % a, "address alignment " + a + " for " + c);
                    assertEquals(c, b.capacity());
                    ByteBuffer v = b.view();
                    assertEquals(c, v.capacity(), "view capacity for " + c + " aligned " + a);
                    v.put(c - 1, (byte) 0x5A);
                    assertEquals(0x5A, b.view(c - 1, 1).get(0));
                }
            }
        }
    }
}
