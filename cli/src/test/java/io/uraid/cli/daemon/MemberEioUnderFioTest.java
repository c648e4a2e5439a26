package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.TestEngines;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real member that starts returning EIO in the middle of a run: a three-way RAID1 whose third
 * member is a loop device over nbdfuse over {@code nbdkit --filter=error}, exported by the daemon
 * over NBD while fio writes and verifies through it. The trigger file appears mid-run.
 */
class MemberEioUnderFioTest {
    private static final long MEMBER_BYTES = 32L << 20;

    @Test
    void aMemberThatStartsFailingIsFailedWhileFioSeesNoError() throws Exception {
        TestFiles.assumeEngine();
        String why = RealDevices.unavailable();
        Assumptions.assumeTrue(why == null, "real-device fault test skipped: " + why);
        Path dir = TestFiles.scratch("daemon-eio", "e-");
        Path trigger = dir.resolve("fail-now");
        try (RealDevices devices = new RealDevices(); DaemonProcess daemon = new DaemonProcess(dir)) {
            List<Path> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path file = TestFiles.sized(dir, "m" + i + ".img", MEMBER_BYTES);
                members.add(i < 2 ? devices.loop(file) : devices.failingLoop(file, trigger, dir));
            }
            Path failing = members.get(2);
            int failingSlot;
            String uuid;
            try (IoEngine e = TestEngines.open(64)) {
                ArrayCreator.create(new CreateSpec("r1", "testhost", LevelRegistry.byName("raid1"), 3, 0, -1,
                        members, false, true), e);
                try (BlockDevice d = e.open(failing, OpenOptions.DEFAULT)) {
                    MdSuperblock sb = Assembler.readSuperblock(e, d);
                    failingSlot = sb.devNumber();
                    uuid = MdUuid.format(sb.setUuid());
                }
            }
            Path cfg = dir.resolve("uraid.conf");
            Files.writeString(cfg, "ARRAY r1 UUID=" + uuid + " devices=" + members.get(0) + "," + members.get(1)
                    + "," + failing + "\n");
            daemon.start(cfg);
            Metrics metrics = new Metrics(daemon.metricsPort, "r1");

            Path fioOut = dir.resolve("fio.json");
            Process fio = new ProcessBuilder("fio", "--name=eio", "--ioengine=nbd", "--uri=" + daemon.uri("r1"),
                    "--rw=randwrite", "--bs=4k", "--iodepth=16", "--numjobs=2", "--size=8M", "--offset_increment=8M",
                    "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0", "--loops=3",
                    "--output-format=json").directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(fioOut.toFile()).start();
            try {
                metrics.awaitMemberBytes("uraid_member_written_bytes_total", 2, 4L << 20);
                Files.createFile(trigger); // from now on every request to the third member fails with EIO
                assertTrue(fio.waitFor(120, TimeUnit.SECONDS), "fio finished in 120 s");
            } finally {
                fio.destroyForcibly();
            }
            String out = Files.readString(fioOut);
            assertEquals(0, fio.exitValue(), "fio: " + out);
            Matcher errors = Pattern.compile("\"error\"\\s*:\\s*(\\d+)").matcher(out);
            int jobs = 0;
            while (errors.find()) {
                assertEquals("0", errors.group(1), "fio job error: " + out);
                jobs++;
            }
            assertEquals(2, jobs, "both fio jobs reported: " + out);
            assertTrue(!out.contains("verify:") && !out.contains("bad magic"), "no verify failure: " + out);

            String[] r = TestFiles.uraid(daemon.control, "detail", "r1");
            assertEquals("0", r[0], r[2]);
            String detail = r[1];
            assertTrue(detail.contains("State : active, degraded") || detail.contains("State : clean, degraded"),
                    detail);
            assertTrue(detail.contains("faulty   " + failing), "the EIO member is faulty: " + detail);
            assertTrue(metrics.text().contains("node_md_disks{device=\"r1\",state=\"failed\"} 1"), metrics.text());

            for (Path survivor : members.subList(0, 2)) {
                String examine = Cmd.run(30, "mdadm", "--examine", survivor.toString()).ok("mdadm --examine")
                        .output();
                assertTrue(examine.contains("Array State : AA. "), survivor + ": " + examine);
                // The daemon holds the device exclusively: read its superblock through the loop's backing file.
                Path file = dir.resolve("m" + members.indexOf(survivor) + ".img");
                byte[] sb = new byte[4096];
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                    f.seek(4096); // v1.2: 4 KiB from the start
                    f.readFully(sb);
                }
                assertEquals(MdConstants.ROLE_FAULTY, MdSuperblock.decode(ByteBuffer.wrap(sb)).devRole(failingSlot),
                        survivor + " marks slot " + failingSlot + " faulty");
            }
            assertEquals(143, daemon.terminate(), "orderly stop after the failure");
        } catch (Throwable t) {
            TestFiles.attachLog(t, dir.resolve("daemon.log"));
            throw t;
        } finally {
            TestFiles.delete(dir);
        }
    }
}
