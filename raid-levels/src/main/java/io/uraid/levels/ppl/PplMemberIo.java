package io.uraid.levels.ppl;

import java.io.IOException;

/**
 * Synchronous I/O on the members of an array, by role, at byte offsets from each device's
 * start (the PPL area lies before the data area, so offsets are not data-area relative):
 * what reading, recovering and resetting the partial parity log needs at assembly, before the
 * array's request path runs. Buffers are native memory given by address.
 */
public interface PplMemberIo {
    /** True when {@code role} has a device that holds current data (present and in sync). */
    boolean inSync(int role);

    /**
     * True when {@code role} has a device, in sync or still being rebuilt: md reads (and replays)
     * the log of every device in a role when the array starts, then clears it.
     */
    default boolean present(int role) {
        return inSync(role);
    }

    /**
     * Bytes at the start of the data area of {@code role} that hold current data: all of them
     * ({@link Long#MAX_VALUE}) in sync, md's recovery_offset while its device is being rebuilt,
     * none without a device.
     */
    default long recovered(int role) {
        return inSync(role) ? Long.MAX_VALUE : 0;
    }

    /** Bytes from the device start of {@code role} to its data area (md's data_offset). */
    long dataOffset(int role);

    /** Reads exactly {@code length} bytes at {@code offset} of {@code role}'s device. */
    void read(int role, long offset, long address, int length) throws IOException;

    /** Writes {@code length} bytes at {@code offset}; {@code durable} makes it FUA. */
    void write(int role, long offset, long address, int length, boolean durable) throws IOException;

    /** Makes every write so far on {@code role}'s device durable. */
    void flush(int role) throws IOException;
}
