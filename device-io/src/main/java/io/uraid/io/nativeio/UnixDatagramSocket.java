package io.uraid.io.nativeio;

import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A unix-domain datagram socket, which Java 17's channels do not offer (they do unix streams
 * only): enough to send systemd's sd_notify messages, and to receive them in a test. A path
 * starting with '@' names an address in the abstract namespace, as $NOTIFY_SOCKET may.
 */
public final class UnixDatagramSocket implements AutoCloseable {
    /** sizeof(struct sockaddr_un): sa_family_t then sun_path[108]. */
    private static final int SOCKADDR_UN = 110;
    private static final int PATH_MAX = 108;
    private final int fd;
    private final NativeBuffer buffer;

    private UnixDatagramSocket(int fd, int capacity) {
        this.fd = fd;
        this.buffer = NativeBuffer.allocate(SOCKADDR_UN + capacity, 64);
    }

    /** An unbound socket for sending datagrams of at most {@code capacity} bytes. */
    public static UnixDatagramSocket open(int capacity) throws IOException {
        int fd = LinuxNative.socket(LinuxNative.AF_UNIX, LinuxNative.SOCK_DGRAM);
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: errno " + -fd);
        }
        return new UnixDatagramSocket(fd, capacity);
    }

    /** A socket bound to {@code path}, receiving datagrams of at most {@code capacity} bytes. */
    public static UnixDatagramSocket bind(String path, int capacity) throws IOException {
        UnixDatagramSocket s = open(capacity);
        int len = s.address(path);
        int r = LinuxNative.bind(s.fd, s.buffer.address(), len);
        if (r < 0) {
            s.close();
            throw new IOException("bind(" + path + ") failed: errno " + -r);
        }
        return s;
    }

    /** Sends {@code message} as one datagram to {@code path}. */
    public synchronized void send(String path, byte[] message) throws IOException {
        if (message.length > buffer.capacity() - SOCKADDR_UN) {
            throw new IOException("datagram of " + message.length + " bytes is too long");
        }
        int len = address(path);
        ByteBuffer b = buffer.view();
        b.position(SOCKADDR_UN);
        b.put(message);
        long r = LinuxNative.sendto(fd, buffer.address() + SOCKADDR_UN, message.length, 0, buffer.address(), len);
        if (r < 0) {
            throw new IOException("sendto(" + path + ") failed: errno " + -r);
        }
    }

    /** The next datagram waiting, or null when none is (does not block). */
    public synchronized byte[] poll() throws IOException {
        long r = LinuxNative.recv(fd, buffer.address() + SOCKADDR_UN, buffer.capacity() - SOCKADDR_UN,
                LinuxNative.MSG_DONTWAIT);
        if (r == -11) { // EAGAIN: nothing waiting
            return null;
        }
        if (r < 0) {
            throw new IOException("recv failed: errno " + -r);
        }
        byte[] out = new byte[(int) r];
        buffer.view().position(SOCKADDR_UN).get(out);
        return out;
    }

    /** Writes sockaddr_un for {@code path} at the buffer's start; returns its length. */
    private int address(String path) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        if (name.length == 0 || name.length >= PATH_MAX) {
            throw new IOException("bad unix socket address '" + path + "'");
        }
        ByteBuffer b = buffer.view().order(ByteOrder.nativeOrder());
        b.putShort(0, (short) LinuxNative.AF_UNIX);
        for (int i = 0; i < PATH_MAX; i++) {
            b.put(2 + i, i < name.length ? name[i] : 0);
        }
        if (abstractName) {
            b.put(2, (byte) 0); // the abstract namespace: a leading NUL, and no terminating one counted
            return 2 + name.length;
        }
        return 2 + name.length + 1;
    }

    @Override
    public void close() {
        LinuxNative.close(fd);
        buffer.close();
    }
}
