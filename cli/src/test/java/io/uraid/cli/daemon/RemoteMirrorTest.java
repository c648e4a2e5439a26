package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.MdUuid;
import io.uraid.io.remote.NbdKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A RAID1 of a local file and an export of another NBD server (nbdkit's file plugin, on a unix
 * socket): created, found by the daemon's config scan, and written under fio verify while the
 * server goes away; the array carries on degraded, and when the server is back {@code uraid add}
 * re-adds the member and copies only what mdadm reads as dirty in the surviving bitmap. The
 * mirrors are then identical byte for byte. (The same over a real network link that is cut,
 * with TLS: NetworkLinkCutTest, as root.)
 */
class RemoteMirrorTest {
    private static final long MEMBER = 64L << 20;

    @Test
    void aRemoteMemberFailsWhenItsServerGoesAndIsReAddedWithABitmapLimitedRebuild() throws Exception {
        NbdKit.assumeInstalled();
        Assumptions.assumeTrue(DaemonProcess.hasTool("fio") && DaemonProcess.hasTool("mdadm"),
                "fio or mdadm missing: skipped");
        TestFiles.assumeEngine();
        Path dir = TestFiles.scratch("remote-mirror", "m-");
        Path local = TestFiles.sized(dir, "local.img", MEMBER);
        Path remoteFile = TestFiles.sized(dir, "remote.img", MEMBER);
        NbdKit kit = NbdKit.start(dir, "far", "file", remoteFile.toString());
        String uri = kit.uri("", "timeout=5");
        try (DaemonProcess daemon = new DaemonProcess(dir)) {
            // Members of zeros, --assume-clean: the bitmap starts clean, so what the re-add resyncs is what was written.
            String[] c = TestFiles.offline("create", "r1", "--level", "1", "--raid-devices", "2", "--bitmap-chunk", "1M",
                    "--assume-clean", local.toString(), uri);
            assertEquals("0", c[0], c[2]);
            // The md superblock lives at the start of the export, as on a disk: mdadm reads it from the file behind it.
            String examine = Cmd.run(30, "mdadm", "--examine", remoteFile.toString()).ok("mdadm --examine").output();
            assertTrue(examine.contains("Raid Level : raid1"), examine);
            String uuid = MdUuid.format(MirrorChecks.superblock(local).setUuid());
            assertTrue(examine.contains("Array UUID : " + uuid), examine);
            String[] ours = TestFiles.offline("examine", uri);
            assertTrue(ours[1].contains("Array UUID : " + uuid), ours[1] + ours[2]);

            // The config names only the local member; the remote one is found by the DEVICE scan.
            Path cfg = dir.resolve("uraid.conf");
            Files.writeString(cfg, "DEVICE " + local + " " + uri + "\nARRAY r1 UUID=" + uuid + "\n");
            daemon.start(cfg);
            assertTrue(TestFiles.uraid(daemon.control, "status")[1].contains("[2/2] [UU]"));
            Metrics metrics = new Metrics(daemon.metricsPort, "r1");

            Path fioOut = dir.resolve("fio.json");
            Process fio = MirrorChecks.fio(dir, daemon.uri("r1"), "16M", 4, fioOut);
            try {
                metrics.awaitMemberBytes("uraid_member_written_bytes_total", 1, 4L << 20);
                kit.close(); // the remote server goes away in the middle of the run
                assertTrue(fio.waitFor(180, TimeUnit.SECONDS), "fio finished");
            } finally {
                fio.destroyForcibly();
            }
            MirrorChecks.assertFioClean(fio, fioOut);
            String detail = TestFiles.uraid(daemon.control, "detail", "r1")[1];
            assertTrue(detail.contains("degraded") && detail.contains("faulty"), detail);

            long[] bitmap = MirrorChecks.bitmap(local, dir.resolve("bitmap.bm"));
            kit = NbdKit.start(dir, "far", "file", remoteFile.toString()); // back
            long copied = MirrorChecks.reAddAndCompare(daemon, uri, local, remoteFile, bitmap);
            System.out.println("RemoteMirrorTest: " + bitmap[1] + " of " + bitmap[0] + " bitmap chunks dirty; rebuild "
                    + "copied " + copied + " of " + MEMBER + " bytes");
            assertEquals(143, daemon.terminate());
        } catch (Throwable t) {
            TestFiles.attachLog(t, dir.resolve("daemon.log"));
            throw t;
        } finally {
            kit.close();
            TestFiles.delete(dir);
        }
    }

    @Test
    void aRemoteExportReplacesALocalMemberThenTakesItsRoleAndItsData() throws Exception {
        NbdKit.assumeInstalled();
        TestFiles.assumeEngine();
        Path dir = TestFiles.scratch("remote-mirror", "r-");
        List<Path> mirror = TestFiles.mirror(dir);
        Path remoteFile = TestFiles.sized(dir, "remote.img", 16L << 20);
        try (NbdKit kit = NbdKit.start(dir, "spare", "file", remoteFile.toString())) {
            io.uraid.daemon.Daemon daemon = TestFiles.daemon(dir, "", null);
            try {
                Path control = dir.resolve("ctl.sock");
                assertEquals("0", TestFiles.uraid(control, "assemble", "mir", mirror.get(0).toString(),
                        mirror.get(1).toString())[0]);
                byte[] content = new byte[8 << 20];
                new java.util.Random(5).nextBytes(content);
                try (io.uraid.daemon.nbd.NbdClient c = io.uraid.daemon.nbd.NbdClient.connect(
                        "nbd+unix:///mir?socket=" + dir.resolve("nbd.sock"));
                     io.uraid.io.NativeBuffer buf = io.uraid.io.NativeBuffer.allocate(content.length)) {
                    buf.view().put(content);
                    io.uraid.core.api.BlockingIo.write(c, 0, content.length, buf.address(), 0);
                }
                String[] r = TestFiles.uraid(control, "replace", "mir", mirror.get(1).toString(), "--with",
                        kit.uri(""));
                assertEquals("0", r[0], r[2]);
                long deadline = System.currentTimeMillis() + 60_000;
                String status = TestFiles.uraid(control, "status")[1];
                // Done: the export holds the role, and the member it replaced stays listed faulty until removed.
                while (!status.contains("b.img[1](F)") || !status.contains(kit.uri("") + "[")
                        || status.contains("(R)")) {
                    assertTrue(System.currentTimeMillis() < deadline, "replace did not finish: " + status);
                    Thread.sleep(50);
                    status = TestFiles.uraid(control, "status")[1];
                }
                assertTrue(status.contains("[2/2] [UU]"), status);
                assertEquals("0", TestFiles.uraid(control, "remove", "mir", mirror.get(1).toString())[0]);
                assertFalse(TestFiles.uraid(control, "status")[1].contains("b.img"), "the replaced member is gone");
                String detail = TestFiles.uraid(control, "detail", "mir")[1];
                assertTrue(detail.contains("active sync   " + kit.uri("")), "the export holds role 1: " + detail);
                assertEquals("0", TestFiles.uraid(control, "stop", "mir")[0]);
            } finally {
                daemon.close();
            }
            MirrorChecks.assertMirrorsEqual(mirror.get(0), remoteFile);
            String examine = Cmd.run(30, "mdadm", "--examine", remoteFile.toString()).ok("mdadm --examine").output();
            assertTrue(examine.contains("Device Role : Active device 1"), examine);
        } finally {
            TestFiles.delete(dir);
        }
    }

    @Test
    void withReconnectTheDaemonReAddsAMemberWhoseServerCameBackButNotOneAnAdministratorFailed() throws Exception {
        NbdKit.assumeInstalled();
        TestFiles.assumeEngine();
        Path dir = TestFiles.scratch("remote-mirror", "a-");
        Path local = TestFiles.sized(dir, "local.img", 16L << 20);
        Path remoteFile = TestFiles.sized(dir, "remote.img", 16L << 20);
        NbdKit kit = NbdKit.start(dir, "far", "file", remoteFile.toString());
        String uri = kit.uri("", "timeout=5&reconnect=1");
        io.uraid.daemon.Daemon daemon = null;
        try {
            assertEquals("0", TestFiles.offline("create", "r1", "--level", "1", "--raid-devices", "2", "--assume-clean",
                    local.toString(), uri)[0]);
            daemon = TestFiles.daemon(dir, "", null);
            Path control = dir.resolve("ctl.sock");
            assertEquals("0", TestFiles.uraid(control, "assemble", "r1", local.toString(), uri)[0]);
            String export = "nbd+unix:///r1?socket=" + dir.resolve("nbd.sock");
            write(export, 0, 1);
            kit.close(); // the server goes away; the next write fails the member
            write(export, 1 << 20, 2);
            assertTrue(TestFiles.uraid(control, "status")[1].contains("[2/1] [U_]"));
            kit = NbdKit.start(dir, "far", "file", remoteFile.toString());
            MirrorChecks.awaitInSync(control, "[2/2] [UU]", 60); // no uraid add: reconnect=1 did it

            assertEquals("0", TestFiles.uraid(control, "fail", "r1", uri)[0]);
            Thread.sleep(3000);
            assertTrue(TestFiles.uraid(control, "status")[1].contains("[2/1] [U_]"),
                    "a member failed by hand stays failed");
            assertEquals("0", TestFiles.uraid(control, "add", "r1", uri)[0]);
            MirrorChecks.awaitInSync(control, "[2/2] [UU]", 60);
            assertEquals("0", TestFiles.uraid(control, "stop", "r1")[0]);
            MirrorChecks.assertMirrorsEqual(local, remoteFile);
        } finally {
            if (daemon != null) {
                daemon.close();
            }
            kit.close();
            TestFiles.delete(dir);
        }
    }

    /** Writes 1 MiB of seeded random bytes at {@code offset} through the daemon's export. */
    private static void write(String export, long offset, long seed) throws Exception {
        try (io.uraid.daemon.nbd.NbdClient c = io.uraid.daemon.nbd.NbdClient.connect(export);
             io.uraid.io.NativeBuffer buf = io.uraid.io.NativeBuffer.allocate(1 << 20)) {
            byte[] b = new byte[1 << 20];
            new java.util.Random(seed).nextBytes(b);
            buf.view().put(b);
            io.uraid.core.api.BlockingIo.write(c, offset, 1 << 20, buf.address(), io.uraid.core.api.BlockTarget.FUA);
        }
    }
}
