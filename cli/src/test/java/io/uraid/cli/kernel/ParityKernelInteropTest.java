package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.cli.Cli;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * raid4/5/6 between uraid and the kernel's raid456 (Linux 6.1 as a user-mode process), both
 * ways. Every member of an array is one partition of one image, so a boot (15 devices) takes
 * 15 arrays.
 * <ul>
 * <li>uraid to kernel, every raid5 and raid6 layout and raid4: uraid creates and writes (large,
 *     small and full-stripe writes through its request path); the kernel assembles each, reads
 *     uraid's bytes, finds every stripe's parity right ({@code check}: mismatch_cnt 0), then
 *     assembles it again without one member (raid6: two) and reads the same bytes.
 * <li>kernel to uraid: the kernel creates arrays, fills them with 64 KiB writes and rewrites
 *     parts with 4 KiB writes, failing members of some before the last rewrite; uraid assembles
 *     each from the partitions' bytes, leaves the failed members out and reads the kernel's bytes.
 * </ul>
 */
@Timeout(900)
class ParityKernelInteropTest {
    private static final Duration BOOT = Duration.ofMinutes(6);
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("mdadm", "mdadm");
        TestEngines.best();
        dir = Cli.dir("kernel-parity-");
    }

    @AfterEach
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    @Test
    void theKernelReadsEveryLayoutUraidWroteHealthyAndDegradedAndFindsItsParityRight() throws Exception {
        List<ParityUraidArray> arrays = new ArrayList<>();
        String[] raid5 = {"left-asymmetric", "right-asymmetric", "left-symmetric", "right-symmetric", "parity-first",
            "parity-last"};
        String[] raid6 = {"left-asymmetric", "right-asymmetric", "left-symmetric", "right-symmetric", "parity-first",
            "parity-last", "ddf-zero-restart", "ddf-N-restart", "ddf-N-continue", "left-asymmetric-6",
            "right-asymmetric-6", "left-symmetric-6", "right-symmetric-6", "parity-first-6"};
        int seed = 100;
        arrays.add(ParityUraidArray.make(dir, "u4", "raid4", null, 3, 64, false, seed++));
        for (int i = 0; i < raid5.length; i++) {
            arrays.add(ParityUraidArray.make(dir, "u5" + i, "raid5", raid5[i], 3 + i % 2, i % 3 == 0 ? 16 : 64,
                    i % 2 == 0, seed++));
        }
        for (int i = 0; i < raid6.length; i++) {
            arrays.add(ParityUraidArray.make(dir, "u6" + i, "raid6", raid6[i], 4, i % 3 == 0 ? 32 : 64, i % 2 == 1,
                    seed++));
        }
        for (int from = 0; from < arrays.size(); from += UserModeLinux.MAX_DEVICES) {
            List<ParityUraidArray> batch = arrays.subList(from, Math.min(arrays.size(), from + UserModeLinux.MAX_DEVICES));
            kernelReads(batch);
        }
    }

    private void kernelReads(List<ParityUraidArray> batch) throws Exception {
        List<Path> images = new ArrayList<>();
        StringBuilder script = new StringBuilder(GuestMd.FUNCTIONS);
        for (int i = 0; i < batch.size(); i++) {
            ParityUraidArray a = batch.get(i);
            Path image = dir.resolve(a.name() + ".disk");
            PartitionedImage.pack(image, a.members());
            images.add(image);
            String md = "md" + i;
            StringBuilder all = new StringBuilder();
            StringBuilder some = new StringBuilder("--run");
            for (int p = 0; p < a.members().size(); p++) {
                String dev = PartitionedImage.partition(i, p);
                all.append(' ').append(dev);
                final int role = p;
                if (java.util.Arrays.stream(a.drop()).noneMatch(d -> d == role)) {
                    some.append(' ').append(dev);
                }
            }
            String n = a.name();
            script.append("assemble ").append(n).append(' ').append(md).append(all).append('\n')
                    .append("digest ").append(n).append(' ').append(md).append('\n')
                    .append("check ").append(n).append(' ').append(md).append('\n')
                    .append("stop ").append(n).append(' ').append(md).append('\n')
                    .append("assemble ").append(n).append("_deg ").append(md).append(' ').append(some).append('\n')
                    .append("digest ").append(n).append("_deg ").append(md).append('\n')
                    .append("stop ").append(n).append("_deg ").append(md).append('\n');
        }
        UserModeLinux.Boot boot = UserModeLinux.run(script.toString(), images, dir.resolve("guest"), BOOT);
        System.out.println("kernel read " + batch.size() + " uraid parity arrays in " + boot.took());
        assertEquals(0, boot.exitCode(), boot.toString());
        for (ParityUraidArray a : batch) {
            String n = a.name();
            assertEquals("0", boot.value(n + ".assembled"), n + ": mdadm --assemble\n" + boot);
            assertEquals(a.level(), boot.value(n + ".level"), n);
            assertEquals(a.size(), boot.longValue(n + ".size") * 512, n + ": md's size is uraid's");
            assertEquals("0", boot.value(n + ".degraded"), n);
            assertEquals(a.sha256(), boot.value(n + ".sha256"), n + " (" + a.layout() + "): the kernel reads uraid's bytes");
            assertEquals("0", boot.value(n + ".mismatch"), n + " (" + a.layout() + "): md's check finds every parity right");
            assertEquals("0", boot.value(n + "_deg.assembled"), n + ": degraded\n" + boot);
            assertEquals(a.drop().length, boot.longValue(n + "_deg.degraded"), n);
            assertEquals(a.sha256(), boot.value(n + "_deg.sha256"),
                    n + " (" + a.layout() + ") without roles " + java.util.Arrays.toString(a.drop()));
        }
    }

    /** The guest's helper for small writes, after {@link GuestMd#MAKE}. */
    private static final String SMALL = """
            small() { # NAME MD FILE BLOCK COUNT: FILE's 4 KiB blocks [BLOCK, BLOCK+COUNT) written one by one
              dd if="$3" of=/dev/$2 bs=4k skip=$4 seek=$4 count=$5 oflag=direct conv=notrunc 2>/dev/null
              echo "$1.small=$?"
            }
            """;

    /** An array the kernel makes: mdadm's arguments, and the roles it fails before the last rewrite. */
    private record KernelArray(String name, int disks, String args, int[] fail) {
    }

    @Test
    void uraidReadsWhatTheKernelWroteIntoItsRaid4Raid5AndRaid6AlsoWithMembersFailed() throws Exception {
        List<KernelArray> arrays = List.of(
                new KernelArray("k5ls", 4, "--level=5 --layout=ls --chunk=64 --assume-clean", new int[0]),
                new KernelArray("k5la", 3, "--level=5 --layout=la --chunk=32 --bitmap=internal --bitmap-chunk=1M",
                        new int[] {2}),
                new KernelArray("k5pf", 4, "--level=5 --layout=parity-first --chunk=16 --assume-clean", new int[] {0}),
                new KernelArray("k5rs", 4, "--level=5 --layout=rs --chunk=64 --bitmap=internal --bitmap-chunk=1M --assume-clean",
                        new int[0]),
                new KernelArray("k4", 3, "--level=4 --chunk=64 --assume-clean", new int[] {2}),
                new KernelArray("k6ls", 4, "--level=6 --layout=ls --chunk=64 --bitmap=internal --bitmap-chunk=1M --assume-clean",
                        new int[] {1, 3}),
                new KernelArray("k6nc", 4, "--level=6 --layout=ddf-N-continue --chunk=32", new int[0]),
                new KernelArray("k6ls6", 4, "--level=6 --layout=left-symmetric-6 --chunk=64 --assume-clean",
                        new int[] {0, 3}),
                new KernelArray("k6ra", 4, "--level=6 --layout=ra --chunk=16 --assume-clean", new int[] {2}));
        Path a = random(dir.resolve("a.bin"), 1, 16 << 20);
        Path b = random(dir.resolve("b.bin"), 2, 16 << 20);
        Path c = random(dir.resolve("c.bin"), 3, 16 << 20);
        List<Path> images = new ArrayList<>();
        List<List<Path>> members = new ArrayList<>();
        StringBuilder script = new StringBuilder(GuestMd.FUNCTIONS).append(GuestMd.MAKE).append(SMALL);
        for (int i = 0; i < arrays.size(); i++) {
            KernelArray k = arrays.get(i);
            List<Path> files = new ArrayList<>();
            StringBuilder devs = new StringBuilder();
            for (int p = 0; p < k.disks(); p++) {
                files.add(Cli.file(dir, k.name() + "-" + p + ".img", 3L << 20));
                devs.append(' ').append(PartitionedImage.partition(i, p));
            }
            Path image = dir.resolve(k.name() + ".disk");
            PartitionedImage.pack(image, files);
            images.add(image);
            members.add(files);
            String md = "md" + i;
            String n = k.name();
            script.append("create ").append(n).append(' ').append(md).append(' ').append(k.args())
                    .append(" --raid-devices=").append(k.disks()).append(devs).append('\n')
                    .append("fill ").append(n).append(' ').append(md).append(' ').append(q(a)).append('\n')
                    .append("small ").append(n).append(' ').append(md).append(' ').append(q(b)).append(" 5 40\n");
            for (int f : k.fail()) {
                script.append("mdadm /dev/").append(md).append(" --fail ").append(PartitionedImage.partition(i, f))
                        .append(" > /run/fail 2>&1; echo \"").append(n).append(".failed").append(f).append("=$?\"\n");
            }
            script.append("small ").append(n).append("_c ").append(md).append(' ').append(q(c)).append(" 300 77\n")
                    .append("stop ").append(n).append(' ').append(md).append('\n');
        }
        UserModeLinux.Boot boot = UserModeLinux.run(script.toString(), images, dir.resolve("guest"), BOOT);
        System.out.println("kernel made " + arrays.size() + " parity arrays in " + boot.took());
        assertEquals(0, boot.exitCode(), boot.toString());
        for (int i = 0; i < arrays.size(); i++) {
            KernelArray k = arrays.get(i);
            String n = k.name();
            assertEquals("0", boot.value(n + ".created"), n + "\n" + boot);
            assertEquals("0", boot.value(n + ".small"), n + "\n" + boot);
            assertEquals("0", boot.value(n + "_c.small"), n + "\n" + boot);
            for (int f : k.fail()) {
                assertEquals("0", boot.value(n + ".failed" + f), n + "\n" + boot);
            }
            assertEquals("0", boot.value(n + ".stopped"), n + "\n" + boot);
            long size = boot.longValue(n + ".size") * 512;
            PartitionedImage.unpack(images.get(i), members.get(i));
            String expected = expected(size, a, b, c);
            try (OpenArray open = Assembler.assemble(members.get(i), AssembleOptions.DEFAULT.withRun(true),
                    TestEngines.open(256))) {
                assertEquals(size, open.array().size(), n + ": uraid's size is md's");
                assertEquals(k.disks() - k.fail().length, open.array().workingCount(), n + ": the failed members stay out");
                assertEquals(expected, sha256(open), n + ": uraid reads the kernel's bytes");
            }
        }
    }

    private static String q(Path p) {
        return UserModeLinux.quote(p.toString());
    }

    private static Path random(Path file, long seed, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
        return file;
    }

    /** A's bytes over the array, B's at 4 KiB blocks [5, 45), C's at [300, 377). Arrays of two data members hold 4 MiB. */
    private static String expected(long size, Path a, Path b, Path c) throws Exception {
        byte[] image = java.util.Arrays.copyOf(Files.readAllBytes(a), (int) size);
        byte[] bb = Files.readAllBytes(b);
        byte[] cc = Files.readAllBytes(c);
        System.arraycopy(bb, 5 * 4096, image, 5 * 4096, 40 * 4096);
        System.arraycopy(cc, 300 * 4096, image, 300 * 4096, 77 * 4096);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    }

    private static String sha256(OpenArray open) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long size = open.array().size();
        try (NativeBuffer buf = NativeBuffer.allocate(1 << 20)) {
            byte[] chunk = new byte[1 << 20];
            for (long at = 0; at < size; at += chunk.length) {
                int len = (int) Math.min(chunk.length, size - at);
                BlockingIo.read(open.array(), at, len, buf.address());
                buf.view().get(0, chunk, 0, len);
                md.update(chunk, 0, len);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
