package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.testing.TestArrays;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NBD server against a real RAID1 on member files, driven by a raw socket client that sends
 * good and bad requests. After each kind of bad input a well-behaved client must still read the
 * right bytes.
 */
class NbdServerTest {
    private static TestArrays files;
    private static OpenArray array;
    private static NbdServer server;
    private static Endpoint endpoint;
    private static byte[] reference;

    @BeforeAll
    static void start() throws Exception {
        files = new TestArrays("nbd", 2, 12L << 20);
        files.create("r1", "raid1");
        array = files.assemble();
        server = new NbdServer(64L << 20);
        endpoint = Endpoint.unix(files.dir.resolve("nbd.sock"));
        server.listen(endpoint);
        server.addExport(new NbdExport("r1", array.array(), false));
        reference = new byte[(int) array.array().size()];
        new Random(7).nextBytes(reference);
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            int chunk = 256 << 10;
            long cookie = 0;
            for (int off = 0; off < reference.length; off += chunk) {
                byte[] part = java.util.Arrays.copyOfRange(reference, off, Math.min(reference.length, off + chunk));
                c.write(off, part, cookie++);
            }
            for (long i = 0; i < cookie; i++) {
                assertEquals(0, c.reply()[0]);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
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

    /** A fresh well-behaved client reads the whole export and compares with the reference. */
    private static void assertDataIntact() throws Exception {
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            int chunk = 1 << 20;
            for (int off = 0; off < reference.length; off += chunk) {
                int n = Math.min(chunk, reference.length - off);
                c.request(0, CMD_READ, off, off, n);
                long[] r = c.reply();
                assertEquals(0, r[0], "read error at " + off);
                assertEquals(off, r[1]);
                assertArrayEquals(java.util.Arrays.copyOfRange(reference, off, off + n), c.readData(n),
                        "bytes at " + off);
            }
        }
    }

    @Test
    void negotiationListsInfoAndRefusesUnknownOptionsWhileSkippingTheirData() throws Exception {
        try (RawClient c = new RawClient(endpoint).hello()) {
            c.option(OPT_LIST, new byte[0]);
            Object[] r = c.optionReply();
            assertEquals(REP_SERVER, r[0]);
            ByteBuffer d = ByteBuffer.wrap((byte[]) r[1]);
            assertEquals(2, d.getInt());
            assertEquals("r1", StandardCharsets.UTF_8.decode(d).toString());
            assertEquals(REP_ACK, c.optionReply()[0]);
            c.option(99, new byte[1000]);
            assertEquals(REP_ERR_UNSUP, c.optionReply()[0]);
            c.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ERR_UNSUP, c.optionReply()[0]);
            c.option(OPT_INFO, RawClient.goData("nope"));
            assertEquals(REP_ERR_UNKNOWN, c.optionReply()[0]);
            c.option(OPT_INFO, RawClient.goData("r1", INFO_BLOCK_SIZE));
            Map<Short, ByteBuffer> infos = new HashMap<>();
            Object[] rep;
            while ((int) (rep = c.optionReply())[0] == REP_INFO) {
                ByteBuffer b = ByteBuffer.wrap((byte[]) rep[1]);
                infos.put(b.getShort(), b);
            }
            assertEquals(REP_ACK, rep[0]);
            ByteBuffer ex = infos.get((short) INFO_EXPORT);
            assertEquals(array.array().size(), ex.getLong());
            int flags = ex.getShort() & 0xffff;
            assertTrue((flags & TF_CAN_MULTI_CONN) != 0 && (flags & TF_SEND_FUA) != 0 && (flags & TF_SEND_TRIM) != 0);
            ByteBuffer bs = infos.get((short) INFO_BLOCK_SIZE);
            assertEquals(array.array().blockSize(), bs.getInt());
            bs.getInt();
            assertEquals(MAX_PAYLOAD, bs.getInt());
            c.option(OPT_ABORT, new byte[0]);
            assertEquals(REP_ACK, c.optionReply()[0]);
            assertTrue(c.closedByServer());
        }
        try (RawClient c = new RawClient(endpoint).hello()) {
            c.option(OPT_EXPORT_NAME, "r1".getBytes(StandardCharsets.UTF_8));
            assertEquals(array.array().size(), c.read(10).getLong());
            c.request(0, CMD_READ, 5, 4096, 4096);
            assertEquals(0, c.reply()[0]);
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, 4096, 8192), c.readData(4096));
        }
        assertDataIntact();
    }

    @Test
    void badRequestsGetTheSpecErrorsAndTheConnectionGoesOn() throws Exception {
        long size = array.array().size();
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            c.write(size, new byte[4096], 1);                   // write past the end
            assertReply(c, 1, NBD_ENOSPC);
            c.write(Long.MIN_VALUE, new byte[512], 2);          // offset 2^63: far past the end
            assertReply(c, 2, NBD_ENOSPC);
            c.request(0, CMD_READ, 3, size - 512, 1024);        // read across the end
            assertReply(c, 3, NBD_EINVAL);
            c.request(0, CMD_READ, 4, 100, 512);                // misaligned offset
            assertReply(c, 4, NBD_EINVAL);
            c.write(512, new byte[700], 5);                     // misaligned length (payload still skipped)
            assertReply(c, 5, NBD_EINVAL);
            c.request(0, CMD_READ, 6, 0, MAX_PAYLOAD + 4096);   // over the maximum payload
            assertReply(c, 6, NBD_EINVAL);
            c.request(0, 42, 7, 0, 4096);                       // unknown command
            assertReply(c, 7, NBD_EINVAL);
            c.request(1 << 9, CMD_READ, 8, 0, 4096);            // unknown flag
            assertReply(c, 8, NBD_EINVAL);
            c.request(0, CMD_TRIM, 9, size, 4096);              // trim past the end
            assertReply(c, 9, NBD_EINVAL);
            c.request(0, CMD_WRITE_ZEROES, 10, size - 4096, 8192);
            assertReply(c, 10, NBD_ENOSPC);
            c.request(CMD_FLAG_FUA, CMD_FLUSH, 11, 0, 0);       // FLUSH takes no flags
            assertReply(c, 11, NBD_EINVAL);
            // Still in step: a good read on the same connection returns the right bytes.
            c.request(0, CMD_READ, 12, 8192, 4096);
            assertReply(c, 12, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, 8192, 12288), c.readData(4096));
        }
        assertDataIntact();
    }

    @Test
    void anOversizedWriteIsRefusedWithoutBufferingItsPayload() throws Exception {
        long before = server.acceptedCount();
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            int length = MAX_PAYLOAD + (1 << 20);
            c.request(0, CMD_WRITE, 77, 0, length);
            ByteBuffer junk = ByteBuffer.allocate(1 << 20);
            for (int sent = 0; sent < length; sent += junk.capacity()) {
                junk.clear();
                c.send(junk);
            }
            assertReply(c, 77, NBD_EINVAL);
        }
        assertTrue(server.acceptedCount() > before);
        assertDataIntact();
    }

    @Test
    void wrongMagicDropsOnlyThatConnection() throws Exception {
        try (RawClient good = new RawClient(endpoint).go("r1"); RawClient bad = new RawClient(endpoint).go("r1")) {
            bad.requestWithMagic(0x12345678, 0, CMD_READ, 1, 0, 4096);
            assertTrue(bad.closedByServer(), "a request with the wrong magic must drop the connection");
            good.request(0, CMD_READ, 2, 0, 4096);
            assertReply(good, 2, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, 0, 4096), good.readData(4096));
        }
        try (RawClient c = new RawClient(endpoint)) {  // unknown client flags during the handshake
            c.read(18);
            c.send(ByteBuffer.allocate(4).putInt(0x80).flip());
            assertTrue(c.closedByServer());
        }
        assertDataIntact();
    }

    @Test
    void clientsVanishingMidWriteAndConnectionStormsLeaveTheServerServing() throws Exception {
        for (int i = 0; i < 20; i++) {
            RawClient c = new RawClient(endpoint).go("r1");
            c.request(0, CMD_WRITE, 1, 0, 1 << 20);  // promise 1 MiB, send a quarter of it, hang up
            c.send(ByteBuffer.allocate(256 << 10));
            c.close();
        }
        for (int i = 0; i < 2000; i++) {
            try (RawClient c = new RawClient(endpoint)) {
                switch (i % 4) {
                    case 0: break;                                 // connect and leave
                    case 1: c.read(18); break;                     // leave after the greeting
                    case 2: c.go("r1"); break;                     // leave in transmission
                    default:
                        c.go("r1");
                        c.request(0, CMD_READ, 1, 0, 65536);       // leave with a read in flight
                }
            }
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (server.connectionCount() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.connectionCount(), "every closed client's connection is released");
        assertDataIntact();
    }

    @Test
    void manyRequestsInFlightAreAnsweredByCookieAndZeroesReadBackAsZero() throws Exception {
        byte[] fresh = new byte[64 << 10];
        new Random(11).nextBytes(fresh);
        long base = 1 << 20;
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            for (int i = 0; i < 100; i++) {  // 100 writes in flight, each 4 KiB, FUA on every other
                c.request(i % 2 == 0 ? CMD_FLAG_FUA : 0, CMD_WRITE, 1000 + i, base + (i % 16) * 4096L, 4096);
                c.send(ByteBuffer.wrap(fresh, (i % 16) * 4096, 4096));
            }
            java.util.Set<Long> cookies = new java.util.HashSet<>();
            for (int i = 0; i < 100; i++) {
                long[] r = c.reply();
                assertEquals(0, r[0]);
                cookies.add(r[1]);
            }
            assertEquals(100, cookies.size());
            c.request(0, CMD_FLUSH, 5, 0, 0);
            assertReply(c, 5, 0);
            System.arraycopy(fresh, 0, reference, (int) base, fresh.length);
            c.request(CMD_FLAG_NO_HOLE, CMD_WRITE_ZEROES, 6, base, 8192);
            assertReply(c, 6, 0);
            c.request(CMD_FLAG_FUA, CMD_WRITE_ZEROES, 7, base + 8192, 8192);
            assertReply(c, 7, 0);
            c.request(CMD_FLAG_FUA, CMD_TRIM, 8, base + 16384, 4096);
            assertReply(c, 8, 0);
            java.util.Arrays.fill(reference, (int) base, (int) base + 20480, (byte) 0);
            c.request(0, CMD_DISC, 9, 0, 0);
            assertTrue(c.closedByServer(), "DISC closes the connection");
        }
        assertDataIntact();
    }

    @Test
    void withdrawingAnExportAnswersInFlightRequestsThenClosesItsConnections() throws Exception {
        server.addExport(new NbdExport("second", array.array(), true));
        try (RawClient c = new RawClient(endpoint).go("second")) {
            assertTrue((c.transmissionFlags & TF_READ_ONLY) != 0);
            c.write(0, new byte[4096], 1);
            assertReply(c, 1, NBD_EPERM);
            for (int i = 0; i < 32; i++) {
                c.request(0, CMD_READ, 100 + i, 4096L * i, 4096);
            }
            server.removeExport("second", 10_000);
            // Requests the server had read are answered with the right bytes; those still in the
            // socket when the export went away are dropped with the connection.
            int answered = 0;
            try {
                while (answered < 32) {
                    long[] r = c.reply();
                    assertEquals(0, r[0]);
                    int block = (int) r[1] - 100;
                    assertArrayEquals(java.util.Arrays.copyOfRange(reference, 4096 * block, 4096 * block + 4096),
                            c.readData(4096));
                    answered++;
                }
                assertTrue(c.closedByServer(), "connection closed once its export is withdrawn");
            } catch (java.io.IOException closed) {
                // reset after the replies it had: the unread requests went with the connection
            }
            assertEquals(0, server.connectionCount("second"));
        }
        try (RawClient c = new RawClient(endpoint).hello()) {
            c.option(OPT_GO, RawClient.goData("second"));
            assertEquals(REP_ERR_UNKNOWN, c.optionReply()[0]);
        }
        assertDataIntact();
    }

    @Test
    void beyondTheConnectionLimitNewClientsAreRefusedAndTheOthersServed() throws Exception {
        try (NbdServer small = new NbdServer(64L << 20, 2)) {
            Endpoint e = small.listen(Endpoint.unix(files.dir.resolve("small.sock")));
            small.addExport(new NbdExport("r1", array.array(), false));
            try (RawClient a = new RawClient(e).go("r1"); RawClient b = new RawClient(e).go("r1");
                 RawClient c = new RawClient(e)) {
                assertTrue(c.closedByServer(), "third connection refused");
                b.request(0, CMD_READ, 1, 0, 4096);
                assertReply(b, 1, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(reference, 0, 4096), b.readData(4096));
            }
        }
    }

    @Test
    void aClientThatStopsReadingCannotTakeEveryPayloadBuffer() throws Exception {
        try (NbdServer pool96 = new NbdServer(96L << 20)) {
            Endpoint e = pool96.listen(Endpoint.unix(files.dir.resolve("pool.sock")));
            pool96.addExport(new NbdExport("r1", array.array(), false));
            try (RawClient greedy = new RawClient(e).go("r1"); RawClient polite = new RawClient(e).go("r1")) {
                for (int i = 0; i < 16; i++) {  // 128 MiB of reads whose replies it never reads
                    greedy.request(0, CMD_READ, i, 0, 8 << 20);
                }
                Thread.sleep(300);
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
                    polite.request(0, CMD_READ, 1, 1 << 20, 1 << 20);
                    assertReply(polite, 1, 0);
                    assertArrayEquals(java.util.Arrays.copyOfRange(reference, 1 << 20, 2 << 20),
                            polite.readData(1 << 20));
                });
            }
        }
    }

    @Test
    void aClientThatNeverFinishesNegotiatingIsDropped() throws Exception {
        try (NbdServer quick = new NbdServer(64L << 20, 16, 300)) {
            Endpoint e = quick.listen(Endpoint.unix(files.dir.resolve("quick.sock")));
            quick.addExport(new NbdExport("r1", array.array(), false));
            try (RawClient idle = new RawClient(e); RawClient good = new RawClient(e).go("r1")) {
                idle.read(18); // greeting, then silence
                assertTrue(idle.closedByServer(), "silent client dropped");
                Thread.sleep(400); // past the deadline: a connection in transmission is not touched
                good.request(0, CMD_READ, 1, 0, 4096);
                assertReply(good, 1, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(reference, 0, 4096), good.readData(4096));
            }
        }
    }

    @Test
    void tcpIsServedWhenAskedOnLoopback() throws Exception {
        Endpoint tcp = server.listen(Endpoint.parse("tcp:127.0.0.1:0"));
        assertTrue(tcp.tcp().getPort() > 0);
        try (RawClient c = new RawClient(tcp).go("r1")) {
            c.request(0, CMD_READ, 1, 65536, 8192);
            assertReply(c, 1, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, 65536, 65536 + 8192), c.readData(8192));
        }
    }

    @Test
    void steadyStateRequestsAllocateNothingOnTheServerThreads() throws Exception {
        try (RawClient c = new RawClient(endpoint).go("r1")) {
            byte[] payload = java.util.Arrays.copyOfRange(reference, 0, 32 * 4096);
            ByteBuffer requests = ByteBuffer.allocate(32 * (28 + 4096));
            run(c, requests, payload, 300);  // warm up: buffers pooled, code compiled
            long[] before = serverThreadAllocations();
            int rounds = 600;                // 600 x 32 = 19,200 requests
            run(c, requests, payload, rounds);
            long[] after = serverThreadAllocations();
            long bytes = (after[0] - before[0]) + (after[1] - before[1]);
            assertTrue(bytes < 32 * 1024, "server threads allocated " + bytes + " bytes for " + rounds * 32
                    + " requests");
        }
        assertDataIntact();
    }

    /** Rounds of 16 writes + 16 reads in flight (4 KiB each), all replies drained. */
    private static void run(RawClient c, ByteBuffer requests, byte[] payload, int rounds) throws Exception {
        for (int r = 0; r < rounds; r++) {
            requests.clear();
            for (int i = 0; i < 32; i++) {
                boolean write = i % 2 == 0;
                requests.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) (write ? CMD_WRITE : CMD_READ))
                        .putLong(i).putLong(4096L * i).putInt(4096);
                if (write) {
                    requests.put(payload, 4096 * i, 4096); // the reference's own bytes: the data stays the same
                }
            }
            c.send(requests.flip());
            for (int i = 0; i < 32; i++) {
                long[] h = c.reply();
                assertEquals(0, h[0]);
                if (h[1] % 2 == 1) {
                    c.read(4096);
                }
            }
        }
    }

    /** Allocated bytes of the newest connection's reader and writer threads. */
    private static long[] serverThreadAllocations() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        Thread reader = newest("nbd-conn-");
        Thread writer = newest("nbd-reply-");
        return new long[] {mx.getThreadAllocatedBytes(reader.getId()), mx.getThreadAllocatedBytes(writer.getId())};
    }

    private static Thread newest(String prefix) {
        Thread best = null;
        long bestId = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long id = Long.parseLong(t.getName().substring(prefix.length()));
                if (id > bestId) {
                    bestId = id;
                    best = t;
                }
            }
        }
        assertTrue(best != null, "no " + prefix + " thread");
        return best;
    }

    private static void assertReply(RawClient c, long cookie, int error) throws Exception {
        long[] r = c.reply();
        assertEquals(cookie, r[1], "cookie");
        assertEquals(error, r[0], "error for request " + cookie);
    }

    static Path socket() {
        return endpoint.unixPath();
    }
}
