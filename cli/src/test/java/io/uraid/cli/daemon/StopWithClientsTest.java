package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.daemon.Daemon;
import io.uraid.daemon.nbd.NbdClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 4: {@code uraid stop} refuses an array with NBD clients connected (as
 * {@code mdadm --stop} refuses a busy array), naming how many; {@code --force} disconnects
 * them, every write acknowledged before is on the members.
 */
class StopWithClientsTest {
    private static final int BLOCKS = 1024;
    private Path dir;
    private Path control;
    private Path nbd;
    private Daemon daemon;
    private List<Path> members;

    @BeforeEach
    void start() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("stop-clients", "s-");
        members = TestFiles.mirror(dir);
        control = dir.resolve("ctl.sock");
        nbd = dir.resolve("nbd.sock");
        daemon = TestFiles.daemon(dir, "", null);
        String[] r = uraid("assemble", "mir", members.get(0).toString(), members.get(1).toString());
        assertEquals("0", r[0], r[2]);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private String[] uraid(String... args) {
        return TestFiles.uraid(control, args);
    }

    private String uri() {
        return "nbd+unix:///mir?socket=" + nbd;
    }

    @Test
    void stopIsRefusedWhileAClientIsConnectedAndForceKeepsEveryAcknowledgedWrite() throws Exception {
        NbdClient client = NbdClient.connect(uri());
        AckedWriter writer = new AckedWriter(client, 0, BLOCKS, 1);
        Thread t = new Thread(writer, "acked-writer");
        t.start();
        try {
            waitFor(() -> writer.writesAcked() > 100);
            String[] r = uraid("stop", "mir");
            assertEquals("1", r[0], "stop must not cut off a connected client: " + r[1]);
            assertTrue(r[2].contains("1 NBD client(s) connected"), r[2]);
            assertTrue(r[2].contains("--force"), "the refusal names the way out: " + r[2]);
            long acked = writer.writesAcked();
            waitFor(() -> writer.writesAcked() > acked + 100);
            assertTrue(uraid("status")[1].contains("mir : active raid1"), "the array still runs");

            r = uraid("stop", "mir", "--force");
            assertEquals("0", r[0], r[2]);
            t.join(30_000);
            assertTrue(!t.isAlive(), "the forced stop disconnected the client");
        } finally {
            client.close();
            t.join(30_000);
        }
        long[] acked = writer.acked();
        assertEquals("0", uraid("assemble", "mir", members.get(0).toString(), members.get(1).toString())[0]);
        long[] found = AckedWriter.readBack(uri(), 0, BLOCKS);
        for (int blk = 0; blk < BLOCKS; blk++) {
            assertTrue(found[blk] >= acked[blk], "block " + blk + ": acknowledged write " + acked[blk]
                    + " lost by the forced stop (found " + found[blk] + ")");
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
