package io.uraid.daemon.control;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Sends one command to a running daemon's control socket. */
public final class ControlClient {
    private ControlClient() {
    }

    /** The daemon's answer: its status ({@code ok}, {@code error}, {@code usage}), message and output. */
    public record Reply(String status, String message, String body) {
        public boolean ok() {
            return ControlProtocol.OK.equals(status);
        }
    }

    /** Thrown when no daemon answers at the socket; the message says so in one line. */
    public static final class NoDaemonException extends IOException {
        private static final long serialVersionUID = 1L;

        NoDaemonException(String message) {
            super(message);
        }
    }

    /** The socket (or its directory) is the daemon's owner's only: that is not "no daemon". */
    private static IOException permissionDenied(Path socket) {
        return new IOException("permission denied on the control socket " + socket + ": it is for the user the "
                + "daemon runs as (root on a storage host); run uraid as that user");
    }

    /** Receives one line of a streaming answer. */
    public interface LineHandler {
        void line(String line) throws IOException;
    }

    /**
     * Sends {@code words} for a streaming command ({@code monitor}) and hands every line of the
     * answer to {@code lines} until the daemon closes the connection. Returns the daemon's
     * refusal, or null when it streamed.
     */
    public static Reply follow(Path socket, List<String> words, LineHandler lines) throws IOException {
        SocketChannel c = connect(socket);
        try (c) {
            c.write(java.nio.ByteBuffer.wrap((ControlProtocol.encode(words) + "\n").getBytes(StandardCharsets.UTF_8)));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    Channels.newInputStream(c), StandardCharsets.UTF_8));
            String status = in.readLine();
            if (status == null) {
                throw new IOException("the daemon closed the control connection without answering");
            }
            if (!status.equals(ControlProtocol.OK)) {
                int sp = status.indexOf(' ');
                StringBuilder rest = new StringBuilder();
                for (String l; (l = in.readLine()) != null; ) {
                    rest.append(l).append('\n');
                }
                return new Reply(sp < 0 ? status : status.substring(0, sp), sp < 0 ? "" : status.substring(sp + 1),
                        rest.toString());
            }
            for (String l; (l = in.readLine()) != null; ) {
                lines.line(l);
            }
            return null;
        }
    }

    private static SocketChannel connect(Path socket) throws IOException {
        try {
            Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.AccessDeniedException e) {
            throw permissionDenied(socket);
        } catch (IOException e) {
            throw new NoDaemonException("no uraid daemon is running (" + socket + " does not exist; start one with "
                    + "'uraid daemon' or point to it with --control PATH)");
        }
        try {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.connect(UnixDomainSocketAddress.of(socket));
            return c;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("permission denied")) {
                throw permissionDenied(socket);
            }
            throw new NoDaemonException("no uraid daemon is running at " + socket + " (" + e.getMessage() + ")");
        }
    }

    public static Reply send(Path socket, List<String> words) throws IOException {
        SocketChannel c = connect(socket);
        try (c) {
            c.write(java.nio.ByteBuffer.wrap((ControlProtocol.encode(words) + "\n").getBytes(StandardCharsets.UTF_8)));
            InputStream in = Channels.newInputStream(c);
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int nl = all.indexOf('\n');
            if (nl < 0) {
                throw new IOException("the daemon closed the control connection without answering");
            }
            String status = all.substring(0, nl);
            int sp = status.indexOf(' ');
            return new Reply(sp < 0 ? status : status.substring(0, sp), sp < 0 ? "" : status.substring(sp + 1),
                    all.substring(nl + 1));
        }
    }
}
