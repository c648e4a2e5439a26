package io.uraid.daemon;

import io.uraid.core.array.Member;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.nbd.NbdExport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An array the daemon runs: the assembled array, its NBD export, the target the export serves
 * (which follows the array when a grow assembles it again) and the name they all go by.
 */
record ManagedArray(String name, OpenArray open, NbdExport export, ArrayTarget target) {

    RaidArray array() {
        return open.array();
    }

    /**
     * The role of the member at {@code device} (compared by real path, so /dev/disk/by-id links
     * match), or -1.
     */
    int roleOf(Path device) {
        Path wanted = realPath(device);
        for (Member m : array().members()) {
            if (m.device() != null && realPath(m.device().path()).equals(wanted)) {
                return m.role();
            }
        }
        return -1;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
