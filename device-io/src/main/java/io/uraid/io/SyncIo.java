package io.uraid.io;

import java.io.IOException;

/**
 * One operation at a time through an engine, waiting for it: for metadata work outside the
 * request path (create, assemble, examine), on the engine's issuer thread while nothing else is
 * in flight.
 */
public final class SyncIo {
    private SyncIo() {
    }

    /** Reads exactly {@code length} bytes (fails on a short read). */
    public static void read(IoEngine engine, BlockDevice dev, long offset, long address, int length)
            throws IOException {
        int r = run(engine, 0, dev, offset, address, length, 0);
        check(dev, "read", offset, length, r);
    }

    /** Writes {@code length} bytes; {@code durable} makes it FUA. */
    public static void write(IoEngine engine, BlockDevice dev, long offset, long address, int length,
                             boolean durable) throws IOException {
        int r = run(engine, 1, dev, offset, address, length, durable ? IoEngine.FUA : 0);
        check(dev, "write", offset, length, r);
    }

    public static void fsync(IoEngine engine, BlockDevice dev) throws IOException {
        int r = run(engine, 2, dev, 0, 0, 0, 0);
        if (r < 0) {
            throw new IOException(dev.path() + ": fsync failed: " + Errno.describe(r));
        }
    }

    private static void check(BlockDevice dev, String what, long offset, int length, int r) throws IOException {
        if (r < 0) {
            throw new IOException(dev.path() + ": " + what + " of " + length + " bytes at " + offset + " failed: "
                    + Errno.describe(r));
        }
        if (r != length) {
            throw new IOException(dev.path() + ": short " + what + " at " + offset + " (" + r + " of " + length
                    + " bytes): the device is smaller than expected");
        }
    }

    private static int run(IoEngine engine, int kind, BlockDevice dev, long offset, long address, int length,
                           int flags) throws IOException {
        if (engine.inFlight() != 0) {
            throw new IllegalStateException("SyncIo needs an idle engine");
        }
        boolean ok;
        switch (kind) {
            case 0:
                ok = engine.prepRead(dev, offset, address, length, 1, flags);
                break;
            case 1:
                ok = engine.prepWrite(dev, offset, address, length, 1, flags);
                break;
            default:
                ok = engine.prepFsync(dev, true, 1, flags);
                break;
        }
        if (!ok) {
            throw new IOException(engine.name() + ": no room for one operation");
        }
        int[] result = {Integer.MIN_VALUE};
        while (result[0] == Integer.MIN_VALUE) {
            engine.reap(1, (userData, res) -> result[0] = res);
        }
        return result[0];
    }
}
