package io.uraid.io.aio;

import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LinuxNative;

/** Finds out whether this process can use kernel AIO, and if not, says why in one line. */
final class AioProbe {
    private AioProbe() {
    }

    /** See {@link AioEngine#probe()}. */
    static String probe() {
        if (!LinuxNative.isAvailable()) {
            return "native calls unavailable: " + LinuxNative.unavailabilityCause();
        }
        try (NativeBuffer b = NativeBuffer.allocate(8, 8)) {
            int r = LinuxNative.ioSetup(1, b.address());
            if (r == -Errno.ENOSYS) {
                return "kernel AIO not available (io_setup: ENOSYS, kernel built without CONFIG_AIO?)";
            }
            if (r < 0) {
                return "io_setup failed: " + Errno.describe(r) + (r == -Errno.EAGAIN ? " (fs.aio-max-nr exhausted)" : "");
            }
            LinuxNative.ioDestroy(b.view().getLong(0));
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "kernel AIO unusable: " + e;
        }
    }
}
