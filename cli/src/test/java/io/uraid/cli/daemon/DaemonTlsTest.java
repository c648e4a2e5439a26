package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.tls.TestPki;
import io.uraid.io.tls.TlsProvider;
import io.uraid.io.tls.TlsProviders;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code uraid daemon --tls=require --tls-certificates DIR} on a loopback TCP listener, with
 * libnbd's own tools as the clients, with the daemon's TLS done by each implementation this
 * machine has (OpenSSL, the JDK's SSLEngine; {@code -Duraid.tls}): nbdcopy writes and reads back the export over
 * {@code nbds://...?tls-certificates=DIR}; nbdinfo without TLS learns nothing but that TLS is
 * required. TLS options that make no sense stop the daemon with a usage error.
 */
class DaemonTlsTest {
    static List<String> providers() {
        return TlsProviders.availableHere().stream().map(TlsProvider::name).toList();
    }

    @ParameterizedTest(name = "TLS by {0}")
    @MethodSource("providers")
    void libnbdClientsGetInOverTlsAndAPlainClientIsRefused(String provider) throws Exception {
        Assumptions.assumeTrue(DaemonProcess.hasTool("nbdinfo") && DaemonProcess.hasTool("nbdcopy"),
                "libnbd-bin (nbdinfo, nbdcopy) is not installed: skipped");
        TestFiles.assumeEngine();
        Path dir = TestFiles.scratch("daemon-tls", "t-");
        try (DaemonProcess daemon = new DaemonProcess(dir).jvmOptions("-D" + TlsProviders.PROPERTY + "=" + provider)) {
            Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.SEC1_EC);
            List<Path> members = TestFiles.mirror(dir);
            Path cfg = dir.resolve("uraid.conf");
            Files.writeString(cfg, "ARRAY mir devices=" + members.get(0) + "," + members.get(1) + "\n");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            daemon.start(cfg, "--listen", "tcp:127.0.0.1:" + port, "--tls=require", "--tls-certificates",
                    pki.toString());
            String tls = "nbds://localhost:" + port + "/mir?tls-certificates=" + pki;
            Path data = dir.resolve("data.bin");
            byte[] bytes = new byte[4 << 20];
            new Random(3).nextBytes(bytes);
            Files.write(data, bytes);
            Cmd.run(120, "nbdcopy", "--destination-is-zero", data.toString(), tls).ok("nbdcopy to the daemon over TLS");
            Path back = dir.resolve("back.bin");
            Cmd.run(120, "nbdcopy", tls, back.toString()).ok("nbdcopy from the daemon over TLS");
            assertArrayEquals(bytes, java.util.Arrays.copyOf(Files.readAllBytes(back), bytes.length));
            Cmd plain = Cmd.run(60, "nbdinfo", "nbd://localhost:" + port + "/mir");
            assertNotEquals(0, plain.exit(), plain.output());
            assertTrue(plain.output().toLowerCase().contains("tls"), plain.output());
            assertTrue(!plain.output().contains("export-size"), "the plain client learned nothing: " + plain.output());
            assertTrue(Cmd.run(60, "nbdinfo", daemon.uri("mir")).ok("nbdinfo on the unix socket").output()
                    .contains("export-size"), "the local unix socket does not require TLS");
            String log = Files.readString(daemon.log);
            assertTrue(log.contains("TLS: " + TlsProviders.named(provider)), "the daemon says which TLS it runs: " + log);
            assertEquals(143, daemon.terminate());
        } catch (Throwable t) {
            TestFiles.attachLog(t, dir.resolve("daemon.log"));
            throw t;
        } finally {
            TestFiles.delete(dir);
        }
    }

    @Test
    void tlsOptionsThatMakeNoSenseAreUsageErrors() throws Exception {
        Path dir = TestFiles.scratch("daemon-tls", "u-");
        try {
            Cmd noCerts = TestFiles.child("daemon", "--control", dir.resolve("c.sock").toString(), "--listen",
                    "unix:" + dir.resolve("n.sock"), "--tls=require");
            assertEquals(2, noCerts.exit(), noCerts.output());
            assertTrue(noCerts.output().contains("--tls-certificates"), noCerts.output());
            Cmd bad = TestFiles.child("daemon", "--control", dir.resolve("c.sock").toString(), "--tls=maybe");
            assertEquals(2, bad.exit(), bad.output());
            assertTrue(bad.output().contains("off, on or require"), bad.output());
            Cmd verifyOff = TestFiles.child("daemon", "--control", dir.resolve("c.sock").toString(),
                    "--tls-verify-peer");
            assertEquals(2, verifyOff.exit(), verifyOff.output());
            Cmd missing = TestFiles.child("daemon", "--control", dir.resolve("c.sock").toString(), "--listen",
                    "unix:" + dir.resolve("n.sock"), "--tls=on", "--tls-certificates", dir.resolve("none").toString());
            assertEquals(1, missing.exit(), missing.output());
            assertTrue(missing.output().contains("server-key.pem"), "names the missing file: " + missing.output());
        } finally {
            TestFiles.delete(dir);
        }
    }
}
