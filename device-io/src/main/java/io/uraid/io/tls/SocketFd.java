package io.uraid.io.tls;

import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The descriptor number of a JDK {@link SocketChannel}, for TLS done natively on it. The JDK has
 * no public way to ask; its {@code sun.nio.ch.SocketChannelImpl} keeps the number in a final
 * int field {@code fdVal} (JDK 11 to 21 at least), read here through {@link UnsafeAccess}, which
 * needs no {@code --add-opens}: the daemon and the tests run with a plain command line. If a JDK
 * lays its channels out differently this says so ({@link #unavailabilityCause()}) and TLS falls
 * back to the JDK's own; the number found is checked to be a socket before anything uses it.
 */
final class SocketFd {
    private static final Class<?> IMPL;
    private static final long OFFSET;
    private static final Throwable FAILURE;

    static {
        Class<?> impl = null;
        long offset = -1;
        Throwable failure = null;
        try {
            impl = Class.forName("sun.nio.ch.SocketChannelImpl");
            if (impl.getDeclaredField("fdVal").getType() != int.class) {
                throw new NoSuchFieldException("SocketChannelImpl.fdVal is not an int");
            }
            offset = UnsafeAccess.fieldOffset(impl, "fdVal");
        } catch (Throwable t) {
            failure = t;
        }
        IMPL = impl;
        OFFSET = offset;
        FAILURE = failure;
    }

    private SocketFd() {
    }

    static boolean isAvailable() {
        return FAILURE == null;
    }

    static String unavailabilityCause() {
        return FAILURE == null ? null : "cannot find a socket channel's descriptor: " + FAILURE;
    }

    /** {@code ch}'s descriptor, checked to be a socket. */
    static int of(SocketChannel ch) throws IOException {
        if (FAILURE != null || !IMPL.isInstance(ch)) {
            throw new IOException(FAILURE != null ? unavailabilityCause() : "not a JDK socket channel: " + ch.getClass());
        }
        int fd = UnsafeAccess.getInt(ch, OFFSET);
        int type = fd < 0 ? -1 : LinuxNative.fileType(fd);
        if (type != LinuxNative.S_IFSOCK) {
            throw new IOException("descriptor " + fd + " of " + ch + " is not a socket");
        }
        return fd;
    }
}
