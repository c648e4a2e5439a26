package io.uraid.io.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.tls.TlsCertificates;
import io.uraid.io.tls.TlsTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of the fixed-newstyle handshake: greeting, STARTTLS when the URI asks for
 * TLS ({@code nbds}), STRUCTURED_REPLY when wanted, then GO with a request for the block size
 * constraints (EXPORT_NAME when the server does not know GO). Not a hot path: it allocates
 * freely. Any failure is an {@link IOException} whose message says what the server refused.
 */
public final class ClientHandshake {
    /** An open connection in the transmission phase. */
    public record Connected(SocketChannel socket, ByteChannel channel, ExportInfo info) implements AutoCloseable {
        /** True when the connection is encrypted. */
        public boolean tls() {
            return channel instanceof TlsTransport;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                socket.close();
            }
        }
    }

    private final NbdUri uri;
    private final TlsCertificates tls;
    private SocketChannel socket;
    private ByteChannel ch;
    private boolean noZeroes;

    private ClientHandshake(NbdUri uri, TlsCertificates tls) {
        this.uri = uri;
        this.tls = tls;
    }

    /**
     * Connects to {@code uri}'s server and negotiates its export; gives up after the URI's
     * timeout.
     *
     * @param tls        credentials for {@code nbds} URIs (null: plain URIs only)
     * @param structured ask for structured replies
     */
    public static Connected connect(NbdUri uri, TlsCertificates tls, boolean structured) throws IOException {
        if (uri.tls() && tls == null) {
            throw new IllegalArgumentException(uri.address() + ": TLS credentials needed");
        }
        ClientHandshake h = new ClientHandshake(uri, tls);
        try {
            h.socket = NbdSockets.connect(uri, uri.timeoutMillis());
        } catch (IOException e) {
            throw new IOException("cannot connect to " + uri.address() + ": " + e.getMessage(), e);
        }
        h.ch = h.socket;
        try (AutoCloseable deadline = NbdSockets.deadline(h.socket, uri.timeoutMillis())) {
            ExportInfo info = h.negotiate(structured);
            return new Connected(h.socket, h.ch, info);
        } catch (Exception e) {
            h.closeQuietly();
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof java.nio.channels.AsynchronousCloseException) {
                m = "no answer within " + uri.timeoutMillis() / 1000 + " s";
            }
            throw new IOException(uri.address() + ": " + m, e);
        }
    }

    private void closeQuietly() {
        try {
            ch.close();
            socket.close();
        } catch (IOException ignored) {
            // failing anyway
        }
    }

    private ExportInfo negotiate(boolean structured) throws IOException {
        ByteBuffer hello = Wire.read(ch, 18);
        if (hello.getLong() != NBDMAGIC || hello.getLong() != IHAVEOPT) {
            throw new IOException("not an NBD server (or an oldstyle one)");
        }
        int serverFlags = hello.getShort() & 0xffff;
        if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException("the server does not speak fixed newstyle");
        }
        noZeroes = (serverFlags & FLAG_NO_ZEROES) != 0;
        Wire.writeFully(ch, ByteBuffer.allocate(4).putInt(CLIENT_FIXED_NEWSTYLE | (noZeroes ? CLIENT_NO_ZEROES : 0))
                .flip());
        if (uri.tls()) {
            startTls();
        }
        boolean sr = structured && simpleOption(OPT_STRUCTURED_REPLY);
        return go(sr);
    }

    private void startTls() throws IOException {
        Reply r = option(OPT_STARTTLS, new byte[0]);
        if (r.type != REP_ACK) {
            throw new IOException("the server refused STARTTLS (" + replyErrorName(r.type) + r.message() + ")");
        }
        ch = tls.handshake(socket, uri.host(), uri.port());
    }

    /** Sends an option without data; true when the server ACKs it, false when it refuses. */
    private boolean simpleOption(int option) throws IOException {
        Reply r = option(option, new byte[0]);
        if (r.type == REP_ERR_TLS_REQD) {
            throw tlsRequired();
        }
        return r.type == REP_ACK;
    }

    private IOException tlsRequired() {
        return new IOException("the server requires TLS (use an nbds:// URI)");
    }

    private ExportInfo go(boolean structured) throws IOException {
        byte[] name = uri.export().getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(4 + name.length + 2 + 2);
        data.putInt(name.length).put(name).putShort((short) 1).putShort((short) INFO_BLOCK_SIZE);
        send(OPT_GO, data.array());
        long size = -1;
        int flags = 0;
        int min = 1;
        int preferred = PREFERRED_BLOCK_SIZE;
        int max = MAX_PAYLOAD;
        while (true) {
            Reply r = reply(OPT_GO);
            if (r.type == REP_ACK) {
                break;
            }
            if (r.type == REP_INFO && r.data.remaining() >= 2) {
                int info = r.data.getShort() & 0xffff;
                if (info == INFO_EXPORT && r.data.remaining() >= 10) {
                    size = r.data.getLong();
                    flags = r.data.getShort() & 0xffff;
                } else if (info == INFO_BLOCK_SIZE && r.data.remaining() >= 12) {
                    min = r.data.getInt();
                    preferred = r.data.getInt();
                    max = r.data.getInt();
                }
                continue;
            }
            if (r.type == REP_ERR_UNSUP) {
                return exportName(name, structured);
            }
            if (r.type == REP_ERR_TLS_REQD) {
                throw tlsRequired();
            }
            if (r.type == REP_ERR_UNKNOWN) {
                throw new IOException("the server has no export '" + uri.export() + "'" + r.message());
            }
            if (r.type < 0) {
                throw new IOException("export '" + uri.export() + "' refused (" + replyErrorName(r.type) + r.message()
                        + ")");
            }
            // an info type we did not ask for, or some new reply: ignore it, as the spec allows
        }
        if (size < 0) {
            throw new IOException("the server sent no export size");
        }
        return info(size, flags, min, preferred, max, structured);
    }

    private ExportInfo info(long size, int flags, int min, int preferred, int max, boolean structured)
            throws IOException {
        if (min < 1 || Integer.bitCount(min) != 1 || min > (64 << 10) || max < min) {
            throw new IOException("the server's block size constraints make no sense (minimum " + min
                    + ", maximum " + max + ")");
        }
        return new ExportInfo(uri.export(), size, flags, min, Math.max(preferred, min), max, structured);
    }

    /** The old way to choose an export: no reply header, and no way to refuse but to hang up. */
    private ExportInfo exportName(byte[] name, boolean structured) throws IOException {
        send(OPT_EXPORT_NAME, name);
        ByteBuffer b;
        try {
            b = Wire.read(ch, 10 + (noZeroes ? 0 : EXPORT_NAME_PADDING));
        } catch (java.io.EOFException e) {
            throw new IOException("the server has no export '" + uri.export() + "' (it hung up on EXPORT_NAME)");
        }
        return info(b.getLong(), b.getShort() & 0xffff, 1, PREFERRED_BLOCK_SIZE, MAX_PAYLOAD, structured);
    }

    private record Reply(int type, ByteBuffer data) {
        /** The server's message, as ": text", or "" (errors may carry a human-readable string). */
        String message() {
            if (type >= 0 || !data.hasRemaining()) {
                return "";
            }
            return ": " + StandardCharsets.UTF_8.decode(data.duplicate()).toString().strip();
        }
    }

    private Reply option(int option, byte[] data) throws IOException {
        send(option, data);
        return reply(option);
    }

    private void send(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + data.length);
        b.putLong(IHAVEOPT).putInt(option).putInt(data.length).put(data).flip();
        Wire.writeFully(ch, b);
    }

    private Reply reply(int option) throws IOException {
        ByteBuffer h = Wire.read(ch, 20);
        if (h.getLong() != OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        int echoed = h.getInt();
        int type = h.getInt();
        long length = Integer.toUnsignedLong(h.getInt());
        if (echoed != option) {
            throw new IOException("the server answered option " + echoed + " to option " + option);
        }
        if (length > MAX_OPTION_LENGTH) {
            throw new IOException("option reply of " + length + " bytes is absurd");
        }
        return new Reply(type, Wire.read(ch, (int) length));
    }
}
