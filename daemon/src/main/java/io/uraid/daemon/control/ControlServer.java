package io.uraid.daemon.control;

import io.uraid.daemon.Operations;
import io.uraid.daemon.nbd.UnixSockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.logging.Logger;

/**
 * The control socket: a unix socket of mode 0600, so only its owner (root on a storage host)
 * may manage arrays. One command per connection (see {@link ControlProtocol}).
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    private final Path path;
    private final ServerSocketChannel channel;
    private final Operations operations;

    private ControlServer(Path path, ServerSocketChannel channel, Operations operations) {
        this.path = path;
        this.channel = channel;
        this.operations = operations;
    }

    /**
     * Binds {@code path}. The socket is bound under a temporary name, set to 0600 and then
     * renamed into place, so it is never reachable with looser permissions.
     */
    public static ControlServer start(Path path, Operations operations) throws IOException {
        UnixSockets.removeStale(path);
        Path tmp = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw new IOException("cannot open control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer s = new ControlServer(path, ch, operations);
        Thread t = new Thread(s::acceptLoop, "uraid-control");
        t.setDaemon(true);
        t.start();
        LOG.info("control socket " + path);
        return s;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel c;
            try {
                c = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warning("control: accept failed: " + e.getMessage());
                continue;
            }
            Thread t = new Thread(() -> serve(c), "uraid-control-cmd");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel c) {
        try (c; OutputStream out = Channels.newOutputStream(c)) {
            String status;
            String body = "";
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                        StandardCharsets.UTF_8));
                String line = readLine(in);
                List<String> words = ControlProtocol.decode(line);
                LOG.info("control: " + String.join(" ", words));
                if (!words.isEmpty() && words.get(0).equals("monitor")) {
                    // Streams: "ok", then one line per event until the client goes or the daemon stops.
                    operations.follow(words.subList(1, words.size()), () -> {
                        out.write((ControlProtocol.OK + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }, text -> {
                        out.write(text.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    });
                    return;
                }
                body = operations.execute(words);
                status = ControlProtocol.OK;
            } catch (IllegalArgumentException e) {
                status = ControlProtocol.USAGE + " " + oneLine(e);
            } catch (ReplyException e) {
                status = ControlProtocol.ERROR + " " + oneLine(e);
                body = e.body();
            } catch (IOException | RuntimeException e) {
                status = ControlProtocol.ERROR + " " + oneLine(e);
                LOG.warning("control: " + oneLine(e));
            }
            out.write((status + "\n" + body).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.fine("control: client went away: " + e.getMessage());
        }
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            if (b.length() >= ControlProtocol.MAX_REQUEST) {
                throw new IllegalArgumentException("request line too long");
            }
            b.append((char) ch);
        }
        return b.toString();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replace('\n', ' ');
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning("control: close: " + e.getMessage());
        }
    }
}
