package io.uraid.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An exclusive open refused because the device is claimed: a block device open with O_EXCL
 * elsewhere (an array, md, a mount), or a file another open holds a {@link FileClaim} on.
 * Callers that know who claims what (the array claims) turn it into "in use by array NAME".
 */
public final class DeviceBusyException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public DeviceBusyException(Path path, String message) {
        super(message);
        this.path = path;
    }

    /** A regular file another open holds a {@link FileClaim} on. */
    public static DeviceBusyException file(Path path) {
        return new DeviceBusyException(path, path + ": cannot open: file is in use (claimed by another open of it: "
                + "an array, a uraid command or another program)");
    }

    /** A block device an O_EXCL open was refused on (EBUSY). */
    public static DeviceBusyException blockDevice(Path path) {
        return new DeviceBusyException(path, path + ": cannot open: device is in use (mounted, claimed by md/dm, "
                + "or open exclusively elsewhere)");
    }

    /** The device that was refused. */
    public Path path() {
        return path;
    }
}
