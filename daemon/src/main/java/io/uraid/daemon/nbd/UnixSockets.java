package io.uraid.daemon.nbd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Unix socket file housekeeping shared by the NBD and control servers. */
public final class UnixSockets {
    private UnixSockets() {
    }

    /**
     * Deletes {@code path} if it is a socket nobody listens on (left by a server that died);
     * refuses when a live server answers there or the path is something else.
     */
    public static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return;
        }
        if (!"socket".equals(fileType(path))) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(path));
            throw new IOException(path + ": another server is already listening there");
        } catch (java.net.SocketException e) {
            Files.delete(path);
        }
    }

    private static String fileType(Path p) throws IOException {
        Object mode = Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000 ? "socket" : "other";
    }
}
