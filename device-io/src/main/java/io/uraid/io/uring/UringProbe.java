package io.uraid.io.uring;

import io.uraid.io.nativeio.LinuxNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds out whether this process can use io_uring, and if not, says why in one line. */
final class UringProbe {
    private static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    private UringProbe() {
    }

    /** See {@link IoUringEngine#probe()}. */
    static String probe() {
        if (!LinuxNative.isAvailable()) {
            return "native calls unavailable: " + LinuxNative.unavailabilityCause();
        }
        String disabled = null;
        try {
            if (Files.isReadable(IO_URING_DISABLED)) {
                disabled = Files.readString(IO_URING_DISABLED).trim();
            }
        } catch (IOException e) {
            // Unreadable sysctl: let io_uring_setup decide.
        }
        if ("2".equals(disabled)) {
            return cause(disabled, null);
        }
        String failure;
        try (UringRings r = UringRings.create(4)) {
            failure = r.missingOpcodes();
            if (failure != null) {
                return failure;
            }
        } catch (IOException | RuntimeException e) {
            failure = String.valueOf(e.getMessage());
        }
        return cause(disabled, failure);
    }

    /**
     * The reason io_uring is unusable given the {@code kernel.io_uring_disabled} sysctl (null when
     * unreadable) and the ring setup failure (null when setup worked); null when usable.
     */
    static String cause(String disabledSysctl, String setupFailure) {
        if ("2".equals(disabledSysctl)) {
            return "kernel.io_uring_disabled=2";
        }
        if (setupFailure == null) {
            return null;
        }
        return "1".equals(disabledSysctl) ? "kernel.io_uring_disabled=1 and this process is not in "
                + "kernel.io_uring_group (" + setupFailure + ")" : setupFailure;
    }
}
