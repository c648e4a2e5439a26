package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.MdUuid;
import io.uraid.io.remote.NbdKit;
import io.uraid.io.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A RAID1 mirrored over a real network path: the daemon in one network namespace, nbdkit
 * (file plugin, TLS required) in another, joined by a veth pair with netem delay and loss
 * (where the kernel has netem; otherwise nbdkit's delay filter gives the latency and the test
 * says there is no loss). Under fio verify the link is cut ({@code ip link set down}): no
 * reset, just silence, so the member's request timeout fails it and the array carries on
 * degraded; the link comes back, {@code uraid add} re-adds the member over fresh TLS
 * connections and copies only the chunks mdadm reads as dirty; the mirrors end identical.
 * Everything listens only inside the test's namespaces (or on unix sockets in its directory),
 * and the namespaces go away even when the test fails. Run twice: a plain mirror, and one whose
 * remote half is write-mostly with write-behind (md's flags for a remote mirror half: mdadm
 * reads them back from the members, and the writes still in flight to the remote half when the
 * link goes dark are among the chunks the re-add copies).
 */
class NetworkLinkCutTest {
    private static final long MEMBER = 64L << 20;
    private static final int TIMEOUT_SECONDS = 3;

    @ParameterizedTest(name = "write-mostly + write-behind: {0}")
    @ValueSource(booleans = {false, true})
    void aMirrorOverACutLinkFailsItsRemoteHalfAndResyncsOnlyWhatChangedWhenTheLinkIsBack(boolean behind)
            throws Exception {
        String why = NetNs.unavailable();
        Assumptions.assumeTrue(why == null, "network namespace test skipped: " + why);
        NbdKit.assumeInstalled();
        TestPki.assumeOpenssl();
        io.uraid.io.testing.RequiredTools.require("fio", "fio");
        io.uraid.io.testing.RequiredTools.require("mdadm", "mdadm");
        io.uraid.io.testing.RequiredTools.require("curl", "curl");
        TestFiles.assumeEngine();
        Path dir = TestFiles.scratch("link-cut", "n-");
        NbdKit kit = null;
        try (NetNs net = new NetNs(); DaemonProcess daemon = new DaemonProcess(dir)) {
            net.create();
            Path pki = TestPki.create(dir.resolve("pki"), TestPki.KeyFormat.PKCS1_RSA, net.farIp);
            Path local = TestFiles.sized(dir, "local.img", MEMBER);
            Path remoteFile = TestFiles.sized(dir, "remote.img", MEMBER);
            boolean netem = net.netem(2, 1.0);
            List<String> server = new ArrayList<>(List.of("--tls=require", "--tls-certificates=" + pki));
            if (!netem) {
                System.out.println("NetworkLinkCutTest: this kernel has no netem: 2 ms per request from nbdkit's "
                        + "delay filter instead, and no packet loss");
                server.addAll(0, List.of("--filter=delay"));
            }
            server.addAll(List.of("file", remoteFile.toString()));
            if (!netem) {
                server.addAll(List.of("delay-read=2ms", "delay-write=2ms"));
            }
            kit = NbdKit.start(net.inFar(), dir, "far", List.of("-i", net.farIp, "-p", "10809"),
                    server.toArray(new String[0]));
            String uri = "nbds://" + net.farIp + "/?tls-certificates=" + pki + "&timeout=" + TIMEOUT_SECONDS;

            // Members of zeros, --assume-clean: the bitmap starts clean, so what the re-add resyncs is what was written.
            List<String> create = new ArrayList<>(List.of("create", "r1", "--level", "1", "--raid-devices", "2",
                    "--bitmap-chunk", "1M", "--assume-clean", local.toString(), uri));
            if (behind) {
                create.addAll(List.of("--write-mostly", uri, "--write-behind", "256"));
            }
            TestFiles.childIn(net.inNear(), create.toArray(new String[0])).ok("uraid create over the link");
            if (behind) {
                String examine = Cmd.run(30, "mdadm", "--examine", remoteFile.toString()).ok("mdadm --examine")
                        .output();
                assertTrue(examine.contains("Flags : write-mostly"), examine);
                assertTrue(MirrorChecks.examineBitmap(local, dir.resolve("wb.bm"))
                        .contains("Write Mode : Allow write behind, max 256"), "mdadm -X of the local half");
            }
            String uuid = MdUuid.format(MirrorChecks.superblock(local).setUuid());
            assertEquals(uuid, MdUuid.format(MirrorChecks.superblock(remoteFile).setUuid()),
                    "the remote half's superblock arrived over TLS");
            Path cfg = dir.resolve("uraid.conf");
            Files.writeString(cfg, "ARRAY r1 UUID=" + uuid + " devices=" + local + "," + uri + "\n");
            daemon.prefixed(net.inNear()).start(cfg);
            String status = TestFiles.uraid(daemon.control, "status")[1];
            assertTrue(status.contains("[2/2] [UU]"), status);
            assertEquals(behind, status.contains(uri + "[1](W)"),
                    "the remote half shows (W) exactly when write-mostly: " + status);

            // Reads first, with both halves in sync: they stay off a write-mostly half.
            Cmd.run(120, "fio", "--name=reads", "--ioengine=nbd", "--uri=" + daemon.uri("r1"), "--rw=randread",
                    "--bs=4k", "--iodepth=16", "--size=16M", "--number_ios=2000").ok("fio reads");
            String metrics = metrics(net, daemon);
            double remoteReads = MirrorChecks.metric(metrics, "uraid_member_reads_completed_total", "role=\"1\"");
            assertTrue(MirrorChecks.metric(metrics, "uraid_member_reads_completed_total", "role=\"0\"") > 0, metrics);
            assertEquals(behind, remoteReads == 0, "reads avoid the remote half exactly when it is write-mostly: "
                    + remoteReads + " reads went to it");

            Path fioOut = dir.resolve("fio.json");
            Process fio = MirrorChecks.fio(dir, daemon.uri("r1"), "16M", 6, fioOut);
            try {
                MirrorChecks.awaitWritten(remoteFile, 16L << 20, 512);
                net.cut();
                Thread.sleep(TIMEOUT_SECONDS * 2000L); // the remote half's requests time out meanwhile
                net.restore();
                assertTrue(fio.waitFor(300, TimeUnit.SECONDS), "fio finished");
            } finally {
                fio.destroyForcibly();
            }
            MirrorChecks.assertFioClean(fio, fioOut);
            double behindWrites = MirrorChecks.metric(metrics(net, daemon), "uraid_array_behind_writes_total",
                    "device=\"r1\"");
            assertEquals(behind, behindWrites > 0, "writes went out behind exactly with write-behind: " + behindWrites);
            String detail = TestFiles.uraid(daemon.control, "detail", "r1")[1];
            assertTrue(detail.contains("degraded") && detail.contains("faulty"), detail);
            assertTrue(Files.readString(daemon.log).contains("no answer from the server"),
                    "the member failed by its timeout, not by an error");

            long[] bitmap = MirrorChecks.bitmap(local, dir.resolve("bitmap.bm"));
            long copied = MirrorChecks.reAddAndCompare(daemon, uri, local, remoteFile, bitmap);
            System.out.println("NetworkLinkCutTest: " + (netem ? "netem 2 ms, 1 % loss" : "nbdkit delay 2 ms")
                    + "; " + bitmap[1] + " of " + bitmap[0] + " bitmap chunks dirty; rebuild copied " + copied
                    + " of " + MEMBER + " bytes");
            assertEquals(143, daemon.terminate());
        } catch (Throwable t) {
            TestFiles.attachLog(t, dir.resolve("daemon.log"));
            throw t;
        } finally {
            if (kit != null) {
                kit.close();
            }
            TestFiles.delete(dir);
        }
    }

    /** The daemon's Prometheus metrics, fetched inside its namespace. */
    private static String metrics(NetNs net, DaemonProcess daemon) throws Exception {
        List<String> curl = new ArrayList<>(net.inNear());
        curl.addAll(List.of("curl", "-sf", "http://127.0.0.1:" + daemon.metricsPort + "/metrics"));
        return Cmd.run(30, curl.toArray(new String[0])).ok("the daemon's metrics").output();
    }
}
