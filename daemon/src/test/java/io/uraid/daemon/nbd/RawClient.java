package io.uraid.daemon.nbd;

import io.uraid.io.nbd.NbdProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A bare NBD client for tests: sends exactly the bytes it is told to, well-formed or not. */
final class RawClient implements AutoCloseable {
    final SocketChannel ch;
    long size;
    int transmissionFlags;

    RawClient(Endpoint e) throws IOException {
        ch = e.connect();
    }

    /** Reads the greeting and sends the client flags. */
    RawClient hello() throws IOException {
        ByteBuffer g = read(18);
        if (g.getLong() != NbdProtocol.NBDMAGIC || g.getLong() != NbdProtocol.IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        send(ByteBuffer.allocate(4).putInt(NbdProtocol.CLIENT_FIXED_NEWSTYLE | NbdProtocol.CLIENT_NO_ZEROES).flip());
        return this;
    }

    void option(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + data.length);
        b.putLong(NbdProtocol.IHAVEOPT).putInt(option).putInt(data.length).put(data).flip();
        send(b);
    }

    /** One option reply: {type, data}. */
    Object[] optionReply() throws IOException {
        ByteBuffer h = read(20);
        if (h.getLong() != NbdProtocol.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        h.getInt();
        int type = h.getInt();
        int len = h.getInt();
        byte[] data = new byte[len];
        read(len).get(data);
        return new Object[] {type, data};
    }

    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** Negotiates {@code name} with OPT_GO; fails unless the server accepts. */
    RawClient go(String name) throws IOException {
        hello();
        option(NbdProtocol.OPT_GO, goData(name, NbdProtocol.INFO_BLOCK_SIZE));
        while (true) {
            Object[] r = optionReply();
            int type = (int) r[0];
            if (type == NbdProtocol.REP_ACK) {
                return this;
            }
            if (type != NbdProtocol.REP_INFO) {
                throw new IOException("OPT_GO refused: type 0x" + Integer.toHexString(type));
            }
            ByteBuffer d = ByteBuffer.wrap((byte[]) r[1]);
            if (d.getShort() == NbdProtocol.INFO_EXPORT) {
                size = d.getLong();
                transmissionFlags = d.getShort() & 0xffff;
            }
        }
    }

    void request(int flags, int type, long cookie, long offset, int length) throws IOException {
        requestWithMagic(NbdProtocol.REQUEST_MAGIC, flags, type, cookie, offset, length);
    }

    void requestWithMagic(int magic, int flags, int type, long cookie, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putInt(magic).putShort((short) flags).putShort((short) type).putLong(cookie).putLong(offset)
                .putInt(length).flip();
        send(b);
    }

    /** A simple reply header: {error, cookie}. */
    long[] reply() throws IOException {
        ByteBuffer h = read(16);
        if (h.getInt() != NbdProtocol.SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad reply magic");
        }
        return new long[] {h.getInt(), h.getLong()};
    }

    void write(long offset, byte[] data, long cookie) throws IOException {
        request(0, NbdProtocol.CMD_WRITE, cookie, offset, data.length);
        send(ByteBuffer.wrap(data));
    }

    byte[] readData(int n) throws IOException {
        byte[] b = new byte[n];
        read(n).get(b);
        return b;
    }

    void send(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new java.io.EOFException("server closed the connection");
            }
        }
        return b.flip();
    }

    /** True when the server has closed the connection (reads EOF). */
    boolean closedByServer() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        try {
            return ch.read(b) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
