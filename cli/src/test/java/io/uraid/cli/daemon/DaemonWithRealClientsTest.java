package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon in its own JVM, a RAID1 on two member files, driven by the real NBD clients
 * (nbdinfo, nbdcopy, qemu-img, fio's nbd engine) and managed through the uraid CLI.
 */
class DaemonWithRealClientsTest {
    private static final long MEMBER_BYTES = 40L << 20;
    private Path dir;
    private final List<Path> members = new ArrayList<>();
    private DaemonProcess daemon;

    @BeforeEach
    void createArray() throws Exception {
        TestFiles.assumeEngine();
        dir = TestFiles.scratch("daemon-e2e", "d-");
        for (int i = 0; i < 2; i++) {
            members.add(TestFiles.sized(dir, "m" + i + ".img", MEMBER_BYTES));
        }
        try (IoEngine e = TestEngines.open(64)) {
            ArrayCreator.create(new CreateSpec("r1", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1, members,
                    false, true), e);
        }
        daemon = new DaemonProcess(dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        TestFiles.delete(dir);
    }

    private Path config() throws Exception {
        String uuid;
        try (IoEngine e = TestEngines.open(8); BlockDevice d = e.open(members.get(0), OpenOptions.DEFAULT)) {
            uuid = MdUuid.format(Assembler.readSuperblock(e, d).setUuid());
        }
        Path cfg = dir.resolve("uraid.conf");
        Files.writeString(cfg, "# test config\nARRAY /dev/md/r1 metadata=1.2 UUID=" + uuid + "\n    devices="
                + members.get(0) + "," + members.get(1) + "\n");
        return cfg;
    }

    /** Runs a uraid CLI command in this JVM; returns {exit code, stdout, stderr}. */
    private Object[] uraid(String... args) {
        String[] r = TestFiles.uraid(daemon.control, args);
        return new Object[] {Integer.parseInt(r[0]), r[1], r[2]};
    }

    @Test
    void realClientsReadAndWriteThroughTheDaemonAndItSurvivesAFailureAndARestart() throws Exception {
        RequiredTools.require("nbdinfo", "libnbd-bin");
        RequiredTools.require("nbdcopy", "libnbd-bin");
        RequiredTools.require("qemu-img", "qemu-utils");
        RequiredTools.require("fio", "fio");
        Object[] none = uraid("status");
        assertEquals(1, none[0], "no daemon yet: exit 1");
        assertTrue(((String) none[2]).startsWith("uraid: no uraid daemon is running"), (String) none[2]);

        // Served through a read cache first; after the restart without one, the bytes must be the same.
        daemon.start(config(), "--read-cache", "64M");
        String uri = daemon.uri("r1");

        Cmd info = Cmd.run(30, "nbdinfo", "--json", uri).ok("nbdinfo");
        long size = Long.parseLong(field(info.output(), "export-size"));
        assertTrue(size > 30L << 20 && size < MEMBER_BYTES, "export size " + size);
        for (String flag : new String[] {"can_multi_conn", "can_flush", "can_fua", "can_trim", "can_zero"}) {
            assertEquals("true", field(info.output(), flag), flag + " in " + info.output());
        }
        assertEquals("false", field(info.output(), "is_read_only"));

        byte[] image = new byte[(int) size];
        new Random(42).nextBytes(image);
        Path in = dir.resolve("in.img");
        Files.write(in, image);
        Cmd.run(60, "nbdcopy", in.toString(), uri).ok("nbdcopy in");
        // Client payloads come from the NBD pool, which the array registered: its legs go out fixed.
        long data = arrayValue("uraid_array_data_legs_total");
        long fixed = arrayValue("uraid_array_fixed_legs_total");
        assertTrue(data > 0 && fixed >= 0.9 * data, "member legs on registered buffers: " + fixed + " of " + data);
        Path out = dir.resolve("out.img");
        Cmd.run(60, "nbdcopy", uri, out.toString()).ok("nbdcopy out");
        assertArrayEquals(image, Files.readAllBytes(out), "nbdcopy round trip");
        Cmd cmp = Cmd.run(60, "qemu-img", "compare", "-f", "raw", "-F", "raw", in.toString(), uri);
        assertEquals(0, cmp.exit(), "qemu-img compare: " + cmp.output());

        // fio with verify on 4 connections; a member fails in the middle of it.
        List<String> fio = new ArrayList<>(List.of("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri,
                "--rw=randwrite", "--bs=4k", "--iodepth=64", "--numjobs=4", "--size=6M", "--offset_increment=6M",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0", "--loops=3",
                "--output-format=json"));
        Process fioRun = new ProcessBuilder(fio).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("fio.json").toFile()).start();
        long before = waitForWrites(1, 8L << 20);
        Object[] failed = uraid("fail", "r1", members.get(1).toString());
        assertEquals(0, failed[0], "uraid fail: " + failed[2]);
        assertTrue(fioRun.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "fio finished");
        String fioOut = Files.readString(dir.resolve("fio.json"));
        assertEquals(0, fioRun.exitValue(), "fio: " + fioOut);
        Matcher errors = Pattern.compile("\"error\"\\s*:\\s*(\\d+)").matcher(fioOut);
        int jobs = 0;
        while (errors.find()) {
            assertEquals("0", errors.group(1), "fio job error: " + fioOut);
            jobs++;
        }
        assertEquals(4, jobs, "four fio jobs reported");
        long after = memberWrites(0);
        assertTrue(after > before, "writes continued after the failure (" + before + " -> " + after + ")");

        Object[] detail = uraid("detail", "r1");
        assertEquals(0, detail[0], (String) detail[2]);
        assertTrue(((String) detail[1]).contains("degraded"), "detail: " + detail[1]);
        Object[] status = uraid("status");
        assertTrue(((String) status[1]).contains("[U_]"), "status: " + status[1]);
        String metrics = metrics();
        assertTrue(metrics.contains("node_md_disks{device=\"r1\",state=\"failed\"} 1"), metrics);
        assertTrue(metrics.contains("node_md_degraded{device=\"r1\"} 1"), metrics);
        Matcher latency = Pattern.compile("(?m)^uraid_member_write_time_seconds_total\\{device=\"r1\",[^}]*role=\"0\"} "
                + "([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(latency.find() && Double.parseDouble(latency.group(1)) > 0, "write latency counted: " + metrics);
        Matcher hits = Pattern.compile("(?m)^uraid_read_cache_hits_total\\{device=\"r1\"} (\\S+)$").matcher(metrics);
        assertTrue(hits.find() && Double.parseDouble(hits.group(1)) > 0, "reads answered from the cache: " + metrics);

        Path snapshot = dir.resolve("snap.img");
        Cmd.run(60, "nbdcopy", uri, snapshot.toString()).ok("nbdcopy snapshot");

        int exit = daemon.terminate();
        assertEquals(143, exit, "SIGTERM exit status");
        String log = Files.readString(daemon.log);
        for (String line : log.split("\n")) {
            assertTrue(line.matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ \\S+: .*"), "one-line log record: " + line);
        }
        assertTrue(log.contains("array r1 stopped (clean)"), log);
        try (IoEngine e = TestEngines.open(8); BlockDevice d = e.open(members.get(0), OpenOptions.DEFAULT)) {
            MdSuperblock sb = Assembler.readSuperblock(e, d);
            assertEquals(MdConstants.RESYNC_DONE, sb.resyncOffset(), "superblock marked clean at stop");
        }

        daemon.start(config()); // no read cache: every byte below comes from the members
        Path again = dir.resolve("again.img");
        Cmd.run(60, "nbdcopy", uri, again.toString()).ok("nbdcopy after restart");
        assertArrayEquals(Files.readAllBytes(snapshot), Files.readAllBytes(again), "same data after a restart");
        Object[] stop = uraid("stop", "r1");
        assertEquals(0, stop[0], (String) stop[2]);
        Object[] gone = uraid("detail", "r1");
        assertEquals(1, gone[0]);
        assertTrue(((String) gone[2]).contains("no array named r1"), (String) gone[2]);
        assertEquals(143, daemon.terminate());
    }

    /** Waits until the member in {@code role} has written {@code bytes}; returns role 0's write count then. */
    private long waitForWrites(int role, long bytes) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (memberValue("uraid_member_written_bytes_total", role) >= bytes) {
                return memberWrites(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fio did not get going: " + metrics());
    }

    private long memberWrites(int role) throws Exception {
        return memberValue("uraid_member_writes_completed_total", role);
    }

    private long arrayValue(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{device=\"r1\"} (\\S+)$").matcher(metrics());
        if (!m.find()) {
            throw new AssertionError(name + " missing: " + metrics());
        }
        return (long) Double.parseDouble(m.group(1));
    }

    private long memberValue(String name, int role) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{device=\"r1\",[^}]*role=\"" + role + "\"} (\\S+)$")
                .matcher(metrics());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + daemon.metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** A scalar field of nbdinfo's JSON (first occurrence). */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^,\"}\\s]+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError(name + " missing in " + json);
        }
        return m.group(1);
    }
}
