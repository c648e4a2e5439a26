package io.uraid.io.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote members against real NBD servers: nbdkit (memory and file plugins, its filters to play
 * servers with other limits, errors, delays, TLS) and qemu-nbd (which answers sparse reads with
 * hole chunks). Data is compared byte for byte with what was written.
 */
class NbdEngineTest {
    private static final int MB = 1 << 20;
    @TempDir
    Path dir;

    private static NbdEngine engine() {
        return new NbdEngine(256);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] get(NativeBuffer b, int off, int n) {
        byte[] out = new byte[n];
        b.view(off, n).get(out);
        return out;
    }

    @Test
    void readsAndWritesAtDepthOverSeveralConnectionsComeBackByteForByte() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "mem", "memory", "64M"); NbdEngine e = engine();
             NativeBuffer buf = NativeBuffer.allocate(64 * 64 * 1024); NativeBuffer back = NativeBuffer.allocate(64 * 64 * 1024)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                assertEquals(64L * MB, d.size());
                assertTrue(d.info().multiConn(), "nbdkit's memory plugin allows multi-conn");
                assertEquals(4, d.connections(), "the default number of connections with multi-conn");
                byte[] data = random(64 * 64 * 1024, 1);
                buf.view().put(data);
                Ops ops = new Ops(e);
                long[] uds = new long[64];
                for (int i = 0; i < 64; i++) { // 64 writes of 64 KiB in flight at once, every third FUA
                    uds[i] = ops.write(d, (long) i * 65536 * 7 % (60L * MB), buf.address() + i * 65536L, 65536,
                            i % 3 == 0 ? IoEngine.FUA : 0);
                }
                for (long ud : uds) {
                    assertEquals(65536, ops.await(ud));
                }
                assertEquals(0, ops.await(ops.fsync(d)));
                for (int i = 0; i < 64; i++) {
                    uds[i] = ops.read(d, (long) i * 65536 * 7 % (60L * MB), back.address() + i * 65536L, 65536);
                }
                for (long ud : uds) {
                    assertEquals(65536, ops.await(ud));
                }
                assertArrayEquals(data, get(back, 0, data.length));
                assertTrue(d.chunkCounts()[0] >= 64, "nbdkit answered the reads with structured data chunks");
            } finally {
                d.close();
            }
        }
    }

    @Test
    void operationsLongerThanTheServersLargestPayloadGoInPartsAndItsMinimumBlockIsTheDevicesSector()
            throws Exception {
        // blocksize-policy makes nbdkit advertise 4K..64K and answer anything else with EINVAL.
        try (NbdKit kit = NbdKit.start(dir, "bs", "--filter=blocksize-policy", "memory", "16M",
                "blocksize-minimum=4096", "blocksize-maximum=65536", "blocksize-error-policy=error");
             NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(2 * MB);
             NativeBuffer back = NativeBuffer.allocate(2 * MB)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                assertEquals(4096, d.logicalBlockSize());
                assertEquals(65536, d.maxTransferBytes());
                byte[] data = random(2 * MB, 2);
                buf.view().put(data);
                Ops ops = new Ops(e);
                assertEquals(2 * MB, ops.writeNow(d, MB, buf.address(), 2 * MB, IoEngine.FUA), "32 parts of 64K");
                assertEquals(2 * MB, ops.readNow(d, MB, back.address(), 2 * MB));
                assertArrayEquals(data, get(back, 0, 2 * MB));
                assertThrows(IllegalArgumentException.class, () -> e.prepRead(d, 512, back.address(), 4096, 9, 0),
                        "misaligned for the server's 4K minimum: refused before it is sent");
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aFuaWriteToAServerWithoutFuaIsFollowedByAFlush() throws Exception {
        Path log = dir.resolve("requests.log");
        // A server with a write cache it flushes but no FUA (eval plugin scripts; the log filter records requests).
        try (NbdKit kit = NbdKit.start(dir, "fua", "--filter=log", "eval", "logfile=" + log,
                "get_size=echo 16777216", "pread=dd if=/dev/zero count=$3 iflag=count_bytes status=none",
                "pwrite=cat >/dev/null", "can_write=exit 0", "can_flush=exit 0", "flush=exit 0", "can_fua=echo none");
             NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(8192)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                assertTrue(!d.info().canFua() && d.info().canFlush(), "FLUSH without FUA");
                Ops ops = new Ops(e);
                assertEquals(8192, ops.writeNow(d, 8192, buf.address(), 8192, 0));
                assertEquals(8192, ops.writeNow(d, 16384, buf.address(), 8192, IoEngine.FUA));
            } finally {
                d.close();
            }
            String requests = Files.readString(log);
            int plain = requests.indexOf("Write id=");
            int fuaWrite = requests.indexOf("Write id=", plain + 1);
            int flush = requests.indexOf("Flush id=");
            assertTrue(plain >= 0 && fuaWrite > plain, requests);
            assertTrue(flush > fuaWrite, "a FLUSH after the second write only:\n" + requests);
        }
    }

    @Test
    void discardReadsBackAsZeroesAndReadsStopAtTheEndOfTheExport() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "z", "memory", "1M"); NbdEngine e = engine();
             NativeBuffer buf = NativeBuffer.allocate(65536)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                Ops ops = new Ops(e);
                buf.view().put(random(65536, 3));
                assertEquals(65536, ops.writeNow(d, 0, buf.address(), 65536, 0));
                assertEquals(0, ops.await(ops.discard(d, 4096, 8192)));
                assertEquals(65536, ops.readNow(d, 0, buf.address(), 65536));
                assertArrayEquals(new byte[8192], get(buf, 4096, 8192));
                assertEquals(4096, ops.readNow(d, MB - 4096, buf.address(), 65536), "a read across the end is short");
                assertEquals(0, ops.readNow(d, MB, buf.address(), 4096), "a read at the end reads nothing");
                assertEquals(-Errno.ENOSPC, ops.writeNow(d, MB - 4096, buf.address(), 8192, 0));
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aServerErrorFailsTheOperationAndLeavesTheDeviceWorking() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "err", "--filter=error", "memory", "16M", "error=EIO",
                "error-pread-rate=100%"); NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x")), OpenOptions.DEFAULT);
            try {
                Ops ops = new Ops(e);
                assertEquals(-Errno.EIO, ops.readNow(d, 0, buf.address(), 4096));
                assertTrue(d.chunkCounts()[2] >= 1, "the error came as a structured error chunk");
                assertEquals(4096, ops.writeNow(d, 0, buf.address(), 4096, 0), "writes still work");
                assertTrue(!d.failed());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aLostConnectionFailsEveryRequestUntilTheDeviceIsReconnected() throws Exception {
        Path img = dir.resolve("disk.img");
        Files.write(img, new byte[4 * MB]);
        NbdKit kit = NbdKit.start(dir, "file", "file", img.toString());
        try (NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(65536)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("")), OpenOptions.DEFAULT);
            try {
                Ops ops = new Ops(e);
                byte[] data = random(65536, 4);
                buf.view().put(data);
                assertEquals(65536, ops.writeNow(d, 0, buf.address(), 65536, IoEngine.FUA));
                kit.close(); // the server goes away
                int r = ops.readNow(d, 0, buf.address(), 65536);
                assertTrue(r == -Errno.EIO || r == -Errno.ESHUTDOWN, "failed: " + r);
                assertTrue(d.failed());
                assertEquals(-Errno.EIO, ops.readNow(d, 0, buf.address(), 4096), "fails at once while it is down");
                assertThrows(IOException.class, d::reconnect, "nothing to reconnect to yet");
                kit = NbdKit.start(dir, "file", "file", img.toString());
                d.reconnect();
                buf.view().put(new byte[65536]);
                assertEquals(65536, ops.readNow(d, 0, buf.address(), 65536));
                assertTrue(!d.failed());
                assertArrayEquals(data, get(buf, 0, 65536), "the FUA write survived the server");
            } finally {
                d.close();
            }
        } finally {
            kit.close();
        }
    }

    @Test
    void aRequestUnansweredPastTheTimeoutFailsTheDeviceInsteadOfHanging() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "slow", "--filter=delay", "memory", "16M", "delay-read=30");
             NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(4096)) {
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(kit.uri("x", "timeout=1")), OpenOptions.DEFAULT);
            try {
                long start = System.nanoTime();
                assertEquals(-Errno.EIO, new Ops(e).readNow(d, 0, buf.address(), 4096));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 900 && ms < 10_000, "failed after " + ms + " ms (timeout=1)");
                assertTrue(d.failed());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void anExportIsClaimedOnThisHostByAWriterAndSharedByReaders() throws Exception {
        try (NbdKit kit = NbdKit.start(dir, "claim", "memory", "1M"); NbdEngine e = engine()) {
            Path p = DevicePaths.of(kit.uri("x"));
            try (BlockDevice first = e.open(p, OpenOptions.DEFAULT)) {
                DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> e.open(p, OpenOptions.DEFAULT));
                assertTrue(busy.getMessage().contains("in use on this host"), busy.getMessage());
                e.open(p, OpenOptions.READ_ONLY).close(); // examining it is fine
            }
            e.open(p, OpenOptions.DEFAULT).close(); // released with the first
        }
    }

    @Test
    void qemuNbdAnswersSparseReadsWithHolesThatReadAsZeroes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestPki.onPath("qemu-nbd"), "qemu-nbd not installed: skipped");
        Path img = dir.resolve("sparse.img");
        byte[] data = random(65536, 5);
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(data), 2 * MB);
            ch.truncate(4 * MB);
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), 4 * MB - 1);
        }
        Path sock = dir.resolve("qemu.sock");
        Process q = new ProcessBuilder("qemu-nbd", "-f", "raw", "--persistent", "-k", sock.toString(), img.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try (NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(4 * MB)) {
            for (int i = 0; i < 200 && !Files.exists(sock); i++) {
                Thread.sleep(25);
            }
            buf.view().put(random(4 * MB, 6)); // garbage the holes must overwrite
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of("nbd+unix:///?socket=" + sock), OpenOptions.READ_ONLY);
            try {
                assertEquals(4 * MB, new Ops(e).readNow(d, 0, buf.address(), 4 * MB));
                assertTrue(d.chunkCounts()[1] > 0, "qemu-nbd sent hole chunks");
            } finally {
                d.close();
            }
            byte[] want = Files.readAllBytes(img);
            assertArrayEquals(want, get(buf, 0, 4 * MB));
        } finally {
            q.destroy();
            q.waitFor();
        }
    }

    static java.util.List<String> tlsProviders() {
        return io.uraid.io.tls.TlsProviders.availableHere().stream().map(io.uraid.io.tls.TlsProvider::name).toList();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "TLS by {0}")
    @org.junit.jupiter.params.provider.MethodSource("tlsProviders")
    void nbdsUrisSpeakTlsAndAPlainClientIsToldTheServerRequiresIt(String provider) throws Exception {
        String before = System.getProperty(io.uraid.io.tls.TlsProviders.PROPERTY);
        System.setProperty(io.uraid.io.tls.TlsProviders.PROPERTY, provider); // what remote members' credentials use
        try {
            nbdsAgainstNbdkit(provider);
        } finally {
            if (before == null) {
                System.clearProperty(io.uraid.io.tls.TlsProviders.PROPERTY);
            } else {
                System.setProperty(io.uraid.io.tls.TlsProviders.PROPERTY, before);
            }
        }
    }

    private void nbdsAgainstNbdkit(String provider) throws Exception {
        Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.PKCS1_RSA);
        try (NbdKit kit = NbdKit.start(dir, "tls", "--tls=require", "--tls-certificates=" + pki, "--tls-verify-peer",
                "memory", "16M"); NbdEngine e = engine(); NativeBuffer buf = NativeBuffer.allocate(65536)) {
            String tls = "nbds+unix:///x?socket=" + kit.socket() + "&tls-certificates=" + pki;
            NbdDevice d = (NbdDevice) e.open(DevicePaths.of(tls), OpenOptions.DEFAULT);
            try {
                byte[] data = random(65536, 7);
                buf.view().put(data);
                Ops ops = new Ops(e);
                assertEquals(65536, ops.writeNow(d, 0, buf.address(), 65536, 0));
                buf.view().put(new byte[65536]);
                assertEquals(65536, ops.readNow(d, 0, buf.address(), 65536));
                assertArrayEquals(data, get(buf, 0, 65536));
            } finally {
                d.close();
            }
            IOException plain = assertThrows(IOException.class,
                    () -> e.open(DevicePaths.of(kit.uri("x")), OpenOptions.READ_ONLY));
            assertTrue(plain.getMessage().contains("requires TLS"), plain.getMessage());
            // nbdkit verifies clients: a directory without client-cert.pem is refused.
            Path noClient = Files.createDirectories(dir.resolve("ca-only"));
            Files.copy(pki.resolve("ca-cert.pem"), noClient.resolve("ca-cert.pem"));
            IOException refused = assertThrows(IOException.class, () -> e.open(DevicePaths.of(
                    "nbds+unix:///x?socket=" + kit.socket() + "&tls-certificates=" + noClient), OpenOptions.READ_ONLY));
            assertTrue(refused.getMessage().contains(kit.socket().toString()), refused.getMessage());
            // A client that trusts another CA refuses nbdkit's certificate, in one line naming why.
            Path other = TestPki.create(dir.resolve("other"), TestPki.KeyFormat.PKCS8_RSA);
            IOException untrusted = assertThrows(IOException.class, () -> e.open(DevicePaths.of(
                    "nbds+unix:///x?socket=" + kit.socket() + "&tls-certificates=" + other), OpenOptions.READ_ONLY));
            String m = untrusted.getMessage();
            assertTrue(!m.contains("\n") && m.toLowerCase(java.util.Locale.ROOT).contains("cert"), provider + ": " + m);
        }
    }
}
