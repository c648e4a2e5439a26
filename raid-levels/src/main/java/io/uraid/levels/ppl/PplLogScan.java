package io.uraid.levels.ppl;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds the newest log write in one member's PPL area as md does when it starts an array:
 * headers follow one another from the area's start (each followed by its entries' partial
 * parity); the walk stops at the first header whose checksum or signature is wrong or whose
 * generation is lower than the one before, and the last header it accepted is the newest.
 * A header of the same generation as the one before does not stop the walk.
 */
public final class PplLogScan {
    private PplLogScan() {
    }

    /**
     * The newest valid log write of a member.
     *
     * @param header the header
     * @param offset bytes from the area's start to the header; its partial parity follows it
     */
    public record Newest(PplHeader header, long offset) {
    }

    /**
     * Walks the area of {@code role} and returns its newest valid header, or null when even the
     * first header is not valid (md then counts the log as a mismatch: the array resyncs).
     */
    public static Newest newest(PplMemberIo io, int role, PplArea area, int signature) throws IOException {
        Newest found = null;
        long offset = 0;
        try (NativeBuffer block = NativeBuffer.allocate(PplHeader.BYTES)) {
            ByteBuffer view = block.view();
            while (offset < area.bytes() - PplHeader.BYTES) {
                io.read(role, area.start() + offset, block.address(), PplHeader.BYTES);
                if (!PplHeader.checksumValid(view)) {
                    break;
                }
                PplHeader h;
                try {
                    h = PplHeader.decode(view);
                } catch (IllegalArgumentException impossible) {
                    break; // a valid checksum over an impossible entry count: not md's
                }
                if (h.signature() != signature) {
                    break;
                }
                if (found != null && Long.compareUnsigned(found.header().generation(), h.generation()) > 0) {
                    break;
                }
                found = new Newest(h, offset);
                offset += PplHeader.BYTES + h.partialParityBytes();
            }
        }
        return found;
    }
}
