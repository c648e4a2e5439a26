package io.uraid.io.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.uraid.io.Errno;
import org.junit.jupiter.api.Test;

/** The reasons the log gives when io_uring cannot be used. */
class IoUringProbeTest {

    @Test
    void sysctlTwoDisablesIoUringForEveryone() {
        assertEquals("kernel.io_uring_disabled=2", UringProbe.cause("2", null));
    }

    @Test
    void sysctlOneNamesTheGroupAndTheSetupError() {
        assertEquals("kernel.io_uring_disabled=1 and this process is not in kernel.io_uring_group "
                + "(io_uring_setup: EPERM (blocked by seccomp, e.g. a container's default profile, or by "
                + "kernel.io_uring_disabled))",
                UringProbe.cause("1", UringRings.setupFailure(-Errno.EPERM)));
    }

    @Test
    void workingSetupIsAvailableWhateverTheSysctl() {
        assertNull(UringProbe.cause("0", null));
        assertNull(UringProbe.cause("1", null));
        assertNull(UringProbe.cause(null, null));
    }

    @Test
    void setupErrnosExplainThemselves() {
        assertEquals("io_uring_setup: ENOSYS (kernel without io_uring)", UringRings.setupFailure(-Errno.ENOSYS));
        assertEquals("io_uring_setup: EINVAL (kernel too old: needs Linux 5.6+)", UringRings.setupFailure(-Errno.EINVAL));
        assertEquals("io_uring_setup: ENOMEM (out of memory or RLIMIT_MEMLOCK too low)",
                UringRings.setupFailure(-Errno.ENOMEM));
        assertEquals("io_uring_setup: EPERM (blocked by seccomp, e.g. a container's default profile, or by "
                + "kernel.io_uring_disabled)", UringProbe.cause("0", UringRings.setupFailure(-Errno.EPERM)));
    }
}
