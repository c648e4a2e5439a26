package io.uraid.io.tls;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A TLS connection over a socket, after its handshake: what NBD's STARTTLS turns a connection
 * into. Made by a {@link TlsProvider}; the callers (the daemon's connections, remote members)
 * do not know which one.
 *
 * <p>Contract:
 * <ul>
 *   <li>Blocking: {@code read} waits for at least one byte and returns how many it placed in
 *       the buffer, or -1 at the end of the stream (the peer's close_notify, or its socket
 *       closing); {@code write} returns only when every byte given has been handed to the
 *       socket.</li>
 *   <li>One thread may read while another writes (an NBD connection has a reader and a writer);
 *       two readers, or two writers, at once are serialized.</li>
 *   <li>Heap and direct buffers are accepted; with direct ones the steady state allocates
 *       nothing (implementations may differ in what their TLS library allocates).</li>
 *   <li>{@link #close()} from any thread sends close_notify when it can, closes the socket,
 *       and makes a read or write blocked in another thread return (-1) or throw soon.</li>
 *   <li>A peer that misbehaves (a forged or truncated record, a socket closed mid-record)
 *       makes the read throw or return -1, never hang once the socket is closed.</li>
 * </ul>
 */
public interface TlsTransport extends ByteChannel, GatheringByteChannel {
    /** The protocol agreed: "TLSv1.3" or "TLSv1.2". */
    String protocol();

    /** The cipher suite agreed, in the implementation's naming. */
    String cipherSuite();

    /** Which {@link TlsProvider} made this connection ("openssl", "jdk"). */
    String provider();

    /** The socket underneath (its addresses; shutting its input down ends {@code read}). */
    SocketChannel socket();

    @Override
    void close() throws IOException;
}
