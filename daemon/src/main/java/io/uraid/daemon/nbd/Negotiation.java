package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;

import io.uraid.io.nbd.Wire;
import io.uraid.io.tls.TlsTransport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The fixed-newstyle handshake, from the greeting to the export the client chose, with
 * STARTTLS as the {@link ServerTls} policy says: after it, the rest of the handshake and the
 * transmission run over TLS ({@link #channel()}). With TLS required, every option but STARTTLS
 * and ABORT is answered NBD_REP_ERR_TLS_REQD (EXPORT_NAME, which cannot be answered with an
 * error, closes the connection) until the client has switched. Not a hot path: it allocates
 * freely. Breaches of a MUST that leave the stream unusable throw {@link NbdProtocolException}
 * (the caller drops the connection).
 */
final class Negotiation {
    private final SocketChannel socket;
    private ByteChannel ch;
    private final ExportRegistry exports;
    private final ServerTls tls;
    private boolean noZeroes;

    Negotiation(SocketChannel socket, ExportRegistry exports, ServerTls tls) {
        this.socket = socket;
        this.ch = socket;
        this.exports = exports;
        this.tls = tls;
    }

    /** The channel the transmission phase runs on: the socket, or TLS over it. */
    ByteChannel channel() {
        return ch;
    }

    private boolean secured() {
        return ch instanceof TlsTransport;
    }

    /** Runs the handshake; the chosen export, or null when the client aborted or went away politely. */
    NbdExport run() throws IOException {
        ByteBuffer hello = ByteBuffer.allocate(18);
        hello.putLong(NBDMAGIC).putLong(IHAVEOPT).putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip();
        Wire.writeFully(ch, hello);
        int clientFlags = read(4).getInt();
        if ((clientFlags & ~CLIENT_KNOWN_FLAGS) != 0) {
            throw new NbdProtocolException("unknown client flags 0x" + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & CLIENT_NO_ZEROES) != 0;
        while (true) {
            ByteBuffer h;
            try {
                h = read(16);
            } catch (EOFException e) {
                return null; // a client may hang up during negotiation (e.g. after OPT_LIST)
            }
            if (h.getLong() != IHAVEOPT) {
                throw new NbdProtocolException("bad option magic");
            }
            int option = h.getInt();
            long length = Integer.toUnsignedLong(h.getInt());
            if (length > MAX_OPTION_LENGTH) {
                throw new NbdProtocolException("option " + option + " length " + length + " is absurd");
            }
            ByteBuffer data = read((int) length);
            NbdExport chosen = option(option, data);
            if (chosen != null || aborted) {
                return chosen;
            }
        }
    }

    private boolean aborted;

    private NbdExport option(int option, ByteBuffer data) throws IOException {
        if (tls.required() && !secured() && option != OPT_STARTTLS && option != OPT_ABORT) {
            if (option == OPT_EXPORT_NAME) {
                throw new NbdProtocolException("EXPORT_NAME before STARTTLS on a server that requires TLS");
            }
            error(option, REP_ERR_TLS_REQD, "this server requires TLS (STARTTLS first)");
            return null;
        }
        switch (option) {
            case OPT_STARTTLS:
                startTls(data);
                return null;
            case OPT_EXPORT_NAME:
                return exportName(data);
            case OPT_ABORT:
                aborted = true;
                try {
                    reply(option, REP_ACK, null);
                } catch (IOException e) {
                    // the spec lets the client hang up without waiting for our ACK
                }
                return null;
            case OPT_LIST:
                if (data.hasRemaining()) {
                    error(option, REP_ERR_INVALID, "OPT_LIST takes no data");
                } else {
                    for (NbdExport e : exports.all()) {
                        ByteBuffer b = ByteBuffer.allocate(4 + e.nameBytes().length);
                        b.putInt(e.nameBytes().length).put(e.nameBytes()).flip();
                        reply(option, REP_SERVER, b);
                    }
                    reply(option, REP_ACK, null);
                }
                return null;
            case OPT_INFO:
            case OPT_GO:
                return infoOrGo(option, data);
            default:
                error(option, REP_ERR_UNSUP, "option " + option + " is not supported");
                return null;
        }
    }

    private void startTls(ByteBuffer data) throws IOException {
        if (!tls.offered()) {
            error(OPT_STARTTLS, REP_ERR_UNSUP, "TLS is not configured on this server");
        } else if (secured()) {
            error(OPT_STARTTLS, REP_ERR_INVALID, "TLS is already on");
        } else if (data.hasRemaining()) {
            error(OPT_STARTTLS, REP_ERR_INVALID, "STARTTLS takes no data");
        } else {
            reply(OPT_STARTTLS, REP_ACK, null);
            ch = tls.certificates().handshake(socket, null, 0);
        }
    }

    /** True when the client sent OPT_ABORT (negotiation ended without an export). */
    boolean aborted() {
        return aborted;
    }

    private NbdExport exportName(ByteBuffer data) throws IOException {
        String name = StandardCharsets.UTF_8.decode(data).toString();
        NbdExport e = exports.lookup(name);
        if (e == null) {
            throw new NbdProtocolException("unknown export '" + name + "' (EXPORT_NAME: closing, as the spec requires)");
        }
        ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : EXPORT_NAME_PADDING));
        b.putLong(e.target().size()).putShort((short) e.transmissionFlags());
        b.position(b.capacity()).flip();
        Wire.writeFully(ch, b);
        return e;
    }

    private NbdExport infoOrGo(int option, ByteBuffer data) throws IOException {
        if (data.remaining() < 6) {
            error(option, REP_ERR_INVALID, "option data too short");
            return null;
        }
        int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2) {
            error(option, REP_ERR_INVALID, "export name length exceeds option data");
            return null;
        }
        byte[] nameBytes = new byte[nameLength];
        data.get(nameBytes);
        int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != 2 * requests) {
            error(option, REP_ERR_INVALID, "information request count does not match option length");
            return null;
        }
        boolean wantBlockSize = false;
        boolean wantName = false;
        for (int i = 0; i < requests; i++) {
            int info = Short.toUnsignedInt(data.getShort());
            wantBlockSize |= info == INFO_BLOCK_SIZE;
            wantName |= info == INFO_NAME;
        }
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        NbdExport e = exports.lookup(name);
        if (e == null) {
            error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return null;
        }
        ByteBuffer ex = ByteBuffer.allocate(12);
        ex.putShort((short) INFO_EXPORT).putLong(e.target().size()).putShort((short) e.transmissionFlags()).flip();
        reply(option, REP_INFO, ex);
        if (wantName) {
            ByteBuffer n = ByteBuffer.allocate(2 + e.nameBytes().length);
            n.putShort((short) INFO_NAME).put(e.nameBytes()).flip();
            reply(option, REP_INFO, n);
        }
        if (wantBlockSize) {
            ByteBuffer bs = ByteBuffer.allocate(14);
            bs.putShort((short) INFO_BLOCK_SIZE).putInt(e.minimumBlockSize()).putInt(e.preferredBlockSize())
                    .putInt(MAX_PAYLOAD).flip();
            reply(option, REP_INFO, bs);
        }
        reply(option, REP_ACK, null);
        return option == OPT_GO ? e : null;
    }

    private void error(int option, int type, String message) throws IOException {
        reply(option, type, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        int length = data == null ? 0 : data.remaining();
        ByteBuffer h = ByteBuffer.allocate(20);
        h.putLong(OPTION_REPLY_MAGIC).putInt(option).putInt(type).putInt(length).flip();
        Wire.writeFully(ch, h);
        if (data != null) {
            Wire.writeFully(ch, data);
        }
    }

    private ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        Wire.readFully(ch, b);
        return b.flip();
    }
}
