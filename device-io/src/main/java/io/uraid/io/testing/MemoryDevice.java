package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.OpenOptions;
import java.nio.file.Path;

/** A {@link MemoryDisk} opened through a {@link MemoryEngine}. */
final class MemoryDevice implements BlockDevice {
    final MemoryDisk disk;
    final MemoryEngine engine;
    final boolean readOnly;
    final boolean exclusive;
    private final Path path;
    private final int handle;
    volatile boolean closed;

    MemoryDevice(Path path, MemoryDisk disk, OpenOptions options, int handle, MemoryEngine engine) {
        this.path = path;
        this.disk = disk;
        this.engine = engine;
        this.readOnly = options.readOnly();
        this.exclusive = options.exclusive();
        this.handle = handle;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public int logicalBlockSize() {
        return disk.logicalBlockSize();
    }

    @Override
    public int physicalBlockSize() {
        return disk.physicalBlockSize();
    }

    @Override
    public int maxTransferBytes() {
        return disk.maxTransferBytes();
    }

    /** Presents itself as a block device, as array members usually are. */
    @Override
    public boolean isBlockDevice() {
        return true;
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public int handle() {
        return handle;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            engine.release(this);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
