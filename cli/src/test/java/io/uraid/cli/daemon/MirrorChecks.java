package io.uraid.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.sb.MdSuperblock;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the remote-mirror tests check with outside eyes: mdadm's reading of a member's bitmap,
 * fio's verdict, the daemon's account of a rebuild, and the bytes of the two mirrors.
 */
final class MirrorChecks {
    private MirrorChecks() {
    }

    /** The v1.2 superblock of a member file (at 4 KiB). */
    static MdSuperblock superblock(Path member) throws Exception {
        byte[] sb = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(4096);
            f.readFully(sb);
        }
        return MdSuperblock.decode(ByteBuffer.wrap(sb));
    }

    /**
     * {bits, dirty, chunk bytes} of a member file's internal bitmap as {@code mdadm -X} reads it:
     * mdadm reads a bitmap at the start of a plain file (an external bitmap), so the internal
     * one is copied out first.
     */
    static long[] bitmap(Path member, Path scratch) throws Exception {
        String out = examineBitmap(member, scratch);
        Matcher bits = Pattern.compile("Bitmap : (\\d+) bits \\(chunks\\), (\\d+) dirty").matcher(out);
        Matcher chunk = Pattern.compile("Chunksize : (\\d+) (KB|MB)").matcher(out);
        assertTrue(bits.find() && chunk.find(), "mdadm -X: " + out);
        long unit = chunk.group(2).equals("MB") ? 1 << 20 : 1 << 10;
        return new long[] {Long.parseLong(bits.group(1)), Long.parseLong(bits.group(2)),
            Long.parseLong(chunk.group(1)) * unit};
    }

    /** {@code mdadm -X} of a member file's internal bitmap (copied out to {@code scratch} first). */
    static String examineBitmap(Path member, Path scratch) throws Exception {
        MdSuperblock sb = superblock(member);
        long at = (sb.superOffset() + sb.bitmapOffset()) * 512;
        byte[] area = new byte[64 << 10];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek(at);
            f.readFully(area);
        }
        Files.write(scratch, area);
        return Cmd.run(30, "mdadm", "--examine-bitmap", scratch.toString()).ok("mdadm -X").output();
    }

    /**
     * Waits (60 s at most) until at least {@code blocks} 4 KiB blocks of the first {@code region}
     * bytes of a member's data area hold something other than zeroes: writes have reached it.
     */
    static void awaitWritten(Path member, long region, int blocks) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        long off = superblock(member).dataOffset() * 512;
        int seen = 0;
        while (System.currentTimeMillis() < deadline) {
            seen = 0;
            try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
                byte[] b = new byte[4096];
                for (long at = 0; at < region; at += 4096) {
                    f.seek(off + at);
                    f.readFully(b);
                    for (byte x : b) {
                        if (x != 0) {
                            seen++;
                            break;
                        }
                    }
                }
            }
            if (seen >= blocks) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("only " + seen + " blocks of " + member + " were written in 60 s");
    }

    /** The value of the first Prometheus sample of {@code name} whose labels contain {@code label}. */
    static double metric(String metrics, String name, String label) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " with " + label + " in:\n" + metrics);
    }

    /** The bytes the daemon's last rebuild covered ("recover of N bytes started"), or -1. */
    static long lastRecoverBytes(Path log) throws Exception {
        Matcher m = Pattern.compile("recover of (\\d+) bytes started").matcher(Files.readString(log));
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** fio writing and verifying {@code size} bytes of the export at {@code uri} (started, not awaited). */
    static Process fio(Path dir, String uri, String size, int loops, Path out) throws Exception {
        return new ProcessBuilder("fio", "--name=mirror", "--ioengine=nbd", "--uri=" + uri, "--rw=randwrite",
                "--bs=4k", "--iodepth=16", "--size=" + size, "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
                "--verify_state_save=0", "--loops=" + loops, "--output-format=json").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** fio exited 0 with no job error and no verify failure. */
    static void assertFioClean(Process fio, Path out) throws Exception {
        String text = Files.readString(out);
        assertEquals(0, fio.exitValue(), "fio: " + text);
        Matcher errors = Pattern.compile("\"error\"\\s*:\\s*(\\d+)").matcher(text);
        int jobs = 0;
        while (errors.find()) {
            assertEquals("0", errors.group(1), "fio job error: " + text);
            jobs++;
        }
        assertTrue(jobs > 0, "fio reported no job: " + text);
        assertTrue(!text.contains("verify:") && !text.contains("bad magic"), "no verify failure: " + text);
    }

    /** Waits (up to {@code seconds}) until {@code uraid status} shows every member in sync. */
    static void awaitInSync(Path control, String token, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            last = TestFiles.uraid(control, "status")[1];
            if (last.contains(token) && !last.contains("recovery")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not in sync after " + seconds + " s: " + last);
    }

    /**
     * The end of both remote-mirror tests, with the remote member's server reachable again:
     * {@code uraid add} re-adds it; the rebuild copies exactly the chunks mdadm reads as dirty
     * in the local member's bitmap (some, not all); the array stops clean; the mirrors are equal.
     *
     * @param bitmap the local member's {@link #bitmap} read before the re-add
     * @return the bytes the rebuild copied
     */
    static long reAddAndCompare(DaemonProcess daemon, String uri, Path local, Path remote, long[] bitmap)
            throws Exception {
        assertTrue(bitmap[1] > 0 && bitmap[1] < bitmap[0], "some chunks dirty, not all: " + bitmap[1] + "/"
                + bitmap[0]);
        String[] add = TestFiles.uraid(daemon.control, "add", "r1", uri);
        assertEquals("0", add[0], add[2]);
        assertTrue(add[1].contains("re-added"), add[1]);
        awaitInSync(daemon.control, "[2/2] [UU]", 180);
        long copied = lastRecoverBytes(daemon.log);
        assertEquals(bitmap[1] * bitmap[2], copied, "the rebuild copied exactly the chunks mdadm reads as dirty ("
                + bitmap[1] + " of " + bitmap[0] + ")");
        String[] stop = TestFiles.uraid(daemon.control, "stop", "r1");
        assertEquals("0", stop[0], stop[2]);
        assertMirrorsEqual(local, remote);
        return copied;
    }

    /** The data areas (from each superblock's data offset) of two mirror members are byte for byte equal. */
    static void assertMirrorsEqual(Path a, Path b) throws Exception {
        long offA = superblock(a).dataOffset() * 512;
        long offB = superblock(b).dataOffset() * 512;
        long size = superblock(a).size() * 512; // the array size (md: sectors used on each mirror)
        try (RandomAccessFile fa = new RandomAccessFile(a.toFile(), "r");
             RandomAccessFile fb = new RandomAccessFile(b.toFile(), "r")) {
            byte[] x = new byte[1 << 20];
            byte[] y = new byte[1 << 20];
            for (long at = 0; at < size; at += x.length) {
                int n = (int) Math.min(x.length, size - at);
                fa.seek(offA + at);
                fa.readFully(x, 0, n);
                fb.seek(offB + at);
                fb.readFully(y, 0, n);
                if (!java.util.Arrays.equals(x, 0, n, y, 0, n)) {
                    throw new AssertionError("the mirrors differ in the MiB at array offset " + at);
                }
            }
        }
    }
}
