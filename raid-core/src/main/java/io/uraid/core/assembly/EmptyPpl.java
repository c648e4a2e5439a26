package io.uraid.core.assembly;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.SyncIo;
import java.io.IOException;

/**
 * raid5's partial parity log area as mdadm writes it on a new member (create) and on a device
 * it adds (write_init_ppl): zeros, with an empty header of generation 0 at its start, durable
 * before the superblock that points at it is written.
 */
final class EmptyPpl {
    private static final int SECTOR = 512;

    private EmptyPpl() {
    }

    /** Writes the empty log of the array {@code uuid} over {@code sectors} sectors from byte {@code start}. */
    static void write(IoEngine engine, BlockDevice dev, long start, int sectors, byte[] uuid) throws IOException {
        int bytes = sectors * SECTOR;
        try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
            PplHeader.empty(uuid).encodeInto(area.view());
            SyncIo.write(engine, dev, start, area.address(), bytes, true);
        }
    }
}
