package io.uraid.daemon.nbd;

import io.uraid.io.nbd.NbdProtocol;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.OpenArray;
import io.uraid.daemon.testing.TestArrays;
import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.RequiredTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The NBD client target against uraid's own server (over a real RAID1) and against nbdkit. */
class NbdClientTest {

    @Test
    void readsAndWritesThroughUraidsServer() throws Exception {
        try (TestArrays files = new TestArrays("client", 2, 12L << 20)) {
            files.create("c1", "raid1");
            try (OpenArray array = files.assemble(); NbdServer server = new NbdServer(64L << 20)) {
                Endpoint e = server.listen(Endpoint.unix(files.dir.resolve("s.sock")));
                server.addExport(new NbdExport("c1", array.array(), false));
                try (NbdClient c = NbdClient.connect(e.uri("c1"))) {
                    assertEquals(array.array().size(), c.size());
                    exercise(c);
                }
                assertThrows(IOException.class, () -> NbdClient.connect(e.uri("nope")));
            }
        }
    }

    @Test
    void readsAndWritesThroughNbdkit() throws Exception {
        RequiredTools.require("nbdkit", "nbdkit");
        Path dir = Files.createTempDirectory("nbdclient");
        Path sock = dir.resolve("kit.sock");
        Process kit = new ProcessBuilder("nbdkit", "-f", "-U", sock.toString(), "memory", "16M")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
            try (NbdClient c = NbdClient.connect("nbd+unix:///?socket=" + sock)) {
                assertEquals(16L << 20, c.size());
                exercise(c);
            }
        } finally {
            kit.destroy();
            kit.waitFor();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /** 64 writes in flight, read back, zeroes, bad requests. */
    private static void exercise(NbdClient c) throws Exception {
        int n = 64;
        int bs = 64 << 10;
        byte[] data = new byte[n * bs];
        new Random(3).nextBytes(data);
        try (NativeBuffer buf = NativeBuffer.allocate(n * bs); NativeBuffer back = NativeBuffer.allocate(n * bs)) {
            buf.view().put(data);
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger errors = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                c.write((long) i * bs, bs, buf.address() + (long) i * bs, i % 3 == 0 ? BlockTarget.FUA : 0,
                        (tag, r) -> {
                            if (r != 0) {
                                errors.incrementAndGet();
                            }
                            done.countDown();
                        }, i);
            }
            done.await();
            assertEquals(0, errors.get());
            BlockingIo.flush(c);
            BlockingIo.read(c, 0, n * bs, back.address());
            byte[] got = new byte[n * bs];
            back.view().get(got);
            assertArrayEquals(data, got);
            BlockingIo.discard(c, bs, bs);
            BlockingIo.read(c, bs, bs, back.address());
            byte[] zero = new byte[bs];
            back.view(0, bs).get(got, 0, bs);
            assertArrayEquals(zero, java.util.Arrays.copyOf(got, bs), "write-zeroes reads back as zero");
            int[] r = new int[1];
            c.read(100, 512, back.address(), (t, res) -> r[0] = res, 0);
            assertEquals(-Errno.EINVAL, r[0]);
            c.write(c.size(), 512, back.address(), 0, (t, res) -> r[0] = res, 0);
            assertEquals(-Errno.ENOSPC, r[0]);
            assertTrue((c.transmissionFlags() & NbdProtocol.TF_HAS_FLAGS) != 0);
        }
    }
}
