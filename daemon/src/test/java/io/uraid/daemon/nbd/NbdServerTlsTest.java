package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.testing.TestArrays;
import io.uraid.io.NativeBuffer;
import io.uraid.io.tls.TestPki;
import io.uraid.io.tls.JdkTls;
import io.uraid.io.tls.TlsCertificates;
import io.uraid.io.tls.TlsProvider;
import io.uraid.io.tls.TlsProviders;
import io.uraid.io.tls.TlsTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server's STARTTLS (nbdkit's --tls=require semantics) on a TCP listener over a real RAID1:
 * a plain client is answered NBD_REP_ERR_TLS_REQD for every option but STARTTLS and ABORT and
 * learns nothing else; libnbd's tools (nbdinfo, nbdcopy) and uraid's own client get in over
 * TLS and read what they wrote; with client verification on, only a client with a certificate
 * from the CA does. The unix socket offers TLS without requiring it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NbdServerTlsTest {
    private TestArrays files;
    private OpenArray array;
    private NbdServer server;
    private Endpoint tcp;
    private Endpoint unix;
    private Path pki;

    /** Who does the server's TLS: the preferred provider here; {@link NbdServerJdkTlsTest} runs all this with the JDK's. */
    TlsProvider provider() {
        return TlsProviders.preferred();
    }

    @BeforeAll
    void start() throws Exception {
        files = new TestArrays("nbdtls", 2, 12L << 20);
        pki = TestPki.create(files.dir.resolve("pki"), TestPki.KeyFormat.PKCS8_RSA);
        files.create("r1", "raid1");
        array = files.assemble();
        server = new NbdServer(64L << 20);
        server.tls(ServerTls.load(ServerTls.Mode.REQUIRE, pki, true, provider()));
        tcp = server.listen(Endpoint.parse("tcp:127.0.0.1:0"));
        unix = server.listen(Endpoint.unix(files.dir.resolve("nbd.sock")));
        server.addExport(new NbdExport("r1", array.array(), false));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (array != null) {
            array.close();
        }
        if (files != null) {
            files.close();
        }
    }

    private String tlsUri() {
        return "nbds://localhost:" + tcp.tcp().getPort() + "/r1?tls-certificates=" + pki;
    }

    @Test
    void aPlainClientIsToldTlsIsRequiredForEveryOptionAndLearnsNothing() throws Exception {
        try (RawClient c = new RawClient(tcp).hello()) {
            for (int option : new int[] {OPT_LIST, OPT_INFO, OPT_GO, OPT_STRUCTURED_REPLY, 99}) {
                c.option(option, option == OPT_INFO || option == OPT_GO ? RawClient.goData("r1", INFO_BLOCK_SIZE)
                        : new byte[0]);
                Object[] r = c.optionReply();
                assertEquals(REP_ERR_TLS_REQD, (int) r[0], "option " + option);
                assertTrue(!new String((byte[]) r[1]).contains("r1"), "the error names no export");
            }
            c.option(OPT_ABORT, new byte[0]);
            assertEquals(REP_ACK, (int) c.optionReply()[0]);
        }
        try (RawClient c = new RawClient(tcp).hello()) {
            c.option(OPT_EXPORT_NAME, "r1".getBytes());
            assertTrue(c.closedByServer(), "EXPORT_NAME cannot be refused with an error: the server hangs up");
        }
    }

    @Test
    void uraidsClientReadsWhatItWroteOverTls() throws Exception {
        try (NbdClient c = NbdClient.connect(tlsUri()); NativeBuffer buf = NativeBuffer.allocate(1 << 20);
             NativeBuffer back = NativeBuffer.allocate(1 << 20)) {
            assertTrue(c.tls());
            byte[] data = new byte[1 << 20];
            new Random(5).nextBytes(data);
            buf.view().put(data);
            BlockingIo.write(c, 2 << 20, 1 << 20, buf.address(), 0);
            BlockingIo.read(c, 2 << 20, 1 << 20, back.address());
            byte[] got = new byte[1 << 20];
            back.view().get(got);
            assertArrayEquals(data, got);
        }
        IOException plain = assertThrows(IOException.class,
                () -> NbdClient.connect("nbd://localhost:" + tcp.tcp().getPort() + "/r1"));
        assertTrue(plain.getMessage().contains("requires TLS"), plain.getMessage());
    }

    @Test
    void libnbdToolsConnectWithTlsAndOnlyWithAClientCertificate() throws Exception {
        Assumptions.assumeTrue(TestPki.onPath("nbdinfo") && TestPki.onPath("nbdcopy"),
                "libnbd-bin (nbdinfo, nbdcopy) is not installed: skipped");
        Path data = files.dir.resolve("data.bin");
        byte[] bytes = new byte[(int) array.array().size()];
        new Random(9).nextBytes(bytes);
        Files.write(data, bytes);
        run("nbdcopy", data.toString(), tlsUri());
        Path back = files.dir.resolve("back.bin");
        run("nbdcopy", tlsUri(), back.toString());
        assertArrayEquals(bytes, Files.readAllBytes(back), "nbdcopy over TLS, both ways");
        assertTrue(run("nbdinfo", tlsUri()).contains("export-size: " + bytes.length));
        String plain = runFailing("nbdinfo", "nbd://localhost:" + tcp.tcp().getPort() + "/r1");
        assertTrue(plain.toLowerCase().contains("tls"), plain);
        Path caOnly = Files.createDirectories(files.dir.resolve("ca-only"));
        Files.copy(pki.resolve("ca-cert.pem"), caOnly.resolve("ca-cert.pem"));
        runFailing("nbdinfo", "nbds://localhost:" + tcp.tcp().getPort() + "/r1?tls-certificates=" + caOnly);
    }

    @Test
    void theUnixSocketOffersTlsButDoesNotRequireIt() throws Exception {
        try (RawClient c = new RawClient(unix).go("r1")) {
            assertEquals(array.array().size(), c.size);
        }
        try (RawClient c = new RawClient(unix).hello()) {
            c.option(OPT_STARTTLS, new byte[0]);
            assertEquals(REP_ACK, (int) c.optionReply()[0]);
        }
        try (RawClient c = new RawClient(unix).hello()) {
            c.option(OPT_STARTTLS, new byte[] {1});
            assertNotEquals(REP_ACK, (int) c.optionReply()[0], "STARTTLS takes no data");
        }
    }

    @Test
    void aClientThatHangsUpMidRecordIsDroppedAndTheOthersCarryOn() throws Exception {
        // The class keeps no client open: wait until the server has dropped the earlier tests' ones,
        // so the count below is this test's alone (one closing meanwhile made it one short).
        long settle = System.currentTimeMillis() + 10_000;
        while (server.connectionCount() > 0 && System.currentTimeMillis() < settle) {
            Thread.sleep(20);
        }
        int before = server.connectionCount();
        try (NbdClient good = NbdClient.connect(tlsUri()); NativeBuffer buf = NativeBuffer.allocate(1 << 16)) {
            for (int round = 0; round < 3; round++) {
                SocketChannel s = SocketChannel.open(tcp.tcp());
                try {
                    startTls(s);
                    TlsTransport t = TlsCertificates.client(pki, true, JdkTls.INSTANCE).handshake(s, "localhost",
                            tcp.tcp().getPort());
                    go(t, "r1");
                    // A WRITE request announcing 64 KiB, half of it, then a record torn in the middle.
                    ByteBuffer req = ByteBuffer.allocate(28 + (32 << 10));
                    req.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) CMD_WRITE).putLong(7)
                            .putLong(0).putInt(64 << 10).position(req.capacity()).flip();
                    t.write(req);
                    s.write(ByteBuffer.wrap(new byte[] {23, 3, 3, 0x40, 0x11, 1, 2, 3}));
                } finally {
                    s.close();
                }
            }
            byte[] data = new byte[1 << 16];
            new Random(11).nextBytes(data);
            buf.view().put(data);
            BlockingIo.write(good, 1 << 20, 1 << 16, buf.address(), 0);
            buf.view().put(new byte[1 << 16]);
            BlockingIo.read(good, 1 << 20, 1 << 16, buf.address());
            byte[] got = new byte[1 << 16];
            buf.view().get(got);
            assertArrayEquals(data, got, "the other client is served throughout");
            long deadline = System.currentTimeMillis() + 10_000;
            while (server.connectionCount() > before + 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, server.connectionCount(), "the torn connections are gone, the good one stays");
        }
    }

    /** The plain part of a client's handshake up to STARTTLS's ACK. */
    private static void startTls(SocketChannel s) throws IOException {
        ByteBuffer hello = ByteBuffer.allocate(18);
        io.uraid.io.nbd.Wire.readFully(s, hello);
        io.uraid.io.nbd.Wire.writeFully(s, ByteBuffer.allocate(4).putInt(CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES).flip());
        io.uraid.io.nbd.Wire.writeFully(s, ByteBuffer.allocate(16).putLong(IHAVEOPT).putInt(OPT_STARTTLS).putInt(0).flip());
        ByteBuffer reply = ByteBuffer.allocate(20);
        io.uraid.io.nbd.Wire.readFully(s, reply);
        assertEquals(REP_ACK, reply.getInt(12));
    }

    /** OPT_GO for {@code export} over {@code ch}, replies read up to the ACK. */
    private static void go(TlsTransport ch, String export) throws IOException {
        byte[] name = export.getBytes();
        ByteBuffer opt = ByteBuffer.allocate(16 + 4 + name.length + 2);
        opt.putLong(IHAVEOPT).putInt(OPT_GO).putInt(4 + name.length + 2).putInt(name.length).put(name).putShort((short) 0);
        io.uraid.io.nbd.Wire.writeFully(ch, opt.flip());
        while (true) {
            ByteBuffer h = ByteBuffer.allocate(20);
            io.uraid.io.nbd.Wire.readFully(ch, h);
            int type = h.getInt(12);
            io.uraid.io.nbd.Wire.readFully(ch, ByteBuffer.allocate(h.getInt(16)));
            if (type == REP_ACK) {
                return;
            }
            assertTrue(type > 0, "GO refused: " + type);
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String runFailing(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), String.join(" ", cmd) + " should fail: " + out);
        return out;
    }
}
