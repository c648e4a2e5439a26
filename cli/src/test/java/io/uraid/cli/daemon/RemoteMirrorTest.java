package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.MdUuid;
import io.uraid.io.remote.NbdKit;
import java.nio.file.Files;
import java.nio.file.Path;
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
        TestFiles.assumeIoUring();
        Path dir = TestFiles.scratch("remote-mirror", "m-");
        Path local = TestFiles.sized(dir, "local.img", MEMBER);
        Path remoteFile = TestFiles.sized(dir, "remote.img", MEMBER);
        NbdKit kit = NbdKit.start(dir, "far", "file", remoteFile.toString());
        String uri = kit.uri("", "timeout=5");
        try (DaemonProcess daemon = new DaemonProcess(dir)) {
            String[] c = TestFiles.offline("create", "r1", "--level", "1", "--raid-devices", "2", "--bitmap-chunk", "1M",
                    local.toString(), uri);
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
}
