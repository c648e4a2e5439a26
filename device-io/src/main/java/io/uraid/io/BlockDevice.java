package io.uraid.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file or block device opened by an {@link IoEngine}. */
public interface BlockDevice extends AutoCloseable {

    /** The path it was opened from. */
    Path path();

    /** Size in bytes (BLKGETSIZE64 for block devices, the file length for files). */
    long size();

    /** Smallest unit of direct I/O: BLKSSZGET for block devices, 512 for files. */
    int logicalBlockSize();

    /** BLKPBSZGET for block devices, 4096 for files. */
    int physicalBlockSize();

    /**
     * The largest read or write the device takes without the kernel splitting it (for a block
     * device, from its queue limits); {@link Integer#MAX_VALUE} when there is no such limit or
     * it is unknown. Longer operations still work, at some extra cost.
     */
    default int maxTransferBytes() {
        return Integer.MAX_VALUE;
    }

    /** True for a block device, false for a regular file. */
    boolean isBlockDevice();

    /** True when opened with O_DIRECT (false when the file system refused it). */
    boolean isDirect();

    /** The engine's handle for this device (a registered-file index or a descriptor). */
    int handle();

    /**
     * Makes a device that failed because it lost its transport usable again, before a failed
     * member is taken back (a re-add): a remote export opens fresh connections; a local device
     * has nothing to do.
     *
     * @throws IOException when the device still cannot be reached (it stays failed)
     */
    default void reconnect() throws IOException {
    }

    /** Closes the device, releasing any exclusive claim. */
    @Override
    void close() throws IOException;
}
