package io.uraid.levels.parity;

import io.uraid.io.internal.UnsafeAccess;
import java.nio.ByteBuffer;

/** Argument checks and address helpers shared by the parity kernels. */
public final class ParityMemory {
    private ParityMemory() {
    }

    /** Native address of a direct buffer's byte at its position. */
    public static long address(ByteBuffer direct) {
        return UnsafeAccess.addressOf(direct) + direct.position();
    }

    static void checkLength(int len) {
        if (len < 0 || (len & 7) != 0) {
            throw new IllegalArgumentException("parity length must be a non-negative multiple of 8: " + len);
        }
    }

    static void zero(long address, int from, int to) {
        UnsafeAccess.setMemory(address + from, to - from, (byte) 0);
    }
}
