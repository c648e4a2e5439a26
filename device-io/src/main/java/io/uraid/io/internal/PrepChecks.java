package io.uraid.io.internal;

import io.uraid.io.BlockDevice;

/**
 * The argument checks the engines' {@code prep*} methods share: a bad operation is refused with
 * {@link IllegalArgumentException} naming the device, before it takes a slot or reaches the
 * kernel. Nothing is allocated unless a check fails.
 */
public final class PrepChecks {
    private PrepChecks() {
    }

    /** {@code device} as the engine's own device type; refused when another engine opened it. */
    public static <D extends BlockDevice> D device(BlockDevice device, Class<D> type, String engine) {
        if (type.isInstance(device)) {
            return type.cast(device);
        }
        throw new IllegalArgumentException(device + ": not opened by " + engine);
    }

    /**
     * Refuses a negative offset or length and, on an O_DIRECT device, an offset, address or
     * length that is not a multiple of its logical block size; {@code what} is "read" or "write".
     */
    public static void readWrite(BlockDevice d, String what, long offset, long address, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(d + ": negative offset or length: " + offset + ", " + length);
        }
        // Logical block sizes are powers of two (the kernel enforces it).
        long mask = d.logicalBlockSize() - 1;
        if (d.isDirect() && ((offset | address | length) & mask) != 0) {
            throw new IllegalArgumentException(d + ": misaligned O_DIRECT " + what + ": offset " + offset
                    + ", address 0x" + Long.toHexString(address) + " and length " + length
                    + " must be multiples of " + d.logicalBlockSize());
        }
    }

    /** Refuses a discard range with a negative offset or length. */
    public static void discardRange(BlockDevice d, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(d + ": negative discard range: " + offset + ", " + length);
        }
    }
}
