package io.uraid.io.remote;

import io.uraid.io.nbd.NbdUri;
import java.nio.file.Path;

/**
 * Device names as users type them: a file or block device path, or an NBD URI for a remote
 * member ({@code nbd://HOST/EXPORT}, {@code nbds://...}, {@code nbd+unix:///EXPORT?socket=PATH}).
 * Everything that takes a member from a user (command line, control socket, config file) goes
 * through {@link #of}, so a URI never becomes a relative file name.
 */
public final class DevicePaths {
    private DevicePaths() {
    }

    /**
     * The path {@code text} names.
     *
     * @throws IllegalArgumentException for a malformed NBD URI (the message says why)
     */
    public static Path of(String text) {
        if (NbdUri.looksLikeUri(text)) {
            return NbdFileSystem.INSTANCE.path(NbdUri.parse(text));
        }
        return Path.of(text);
    }

    /** True for a remote member's path. */
    public static boolean isRemote(Path p) {
        return p instanceof NbdPath;
    }

    /**
     * What a client should send for {@code text}: a URI as it is, a path made absolute against
     * this process's working directory (the daemon's is another).
     */
    public static String absolute(String text) {
        Path p = of(text);
        return isRemote(p) ? p.toString() : p.toAbsolutePath().normalize().toString();
    }
}
