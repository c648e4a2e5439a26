package io.uraid.arrays;

import static io.uraid.arrays.ArrayEndToEndTest.checkMdadmAgrees;
import static io.uraid.arrays.ArrayEndToEndTest.verifyMemberBytes;
import static io.uraid.arrays.ArrayEndToEndTest.verifyThroughArray;
import static io.uraid.arrays.ArrayEndToEndTest.writeRandomly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.TestEngines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Arrays on real block devices (loop devices over files; root only): every level's bytes where
 * md puts them, mdadm agreeing with every member, assembly from shuffled order; and bad input
 * that must fail with a clear error and leave every device byte as it was.
 */
@Timeout(180)
class LoopArrayTest {
    private static final long MEMBER_BYTES = 24L << 20;

    private static IoEngine engine() throws IOException {
        return TestEngines.open(512);
    }

    private static CreateSpec spec(String level, int disks, int chunkKiB, int layout, List<Path> devices,
                                   boolean force) {
        return new CreateSpec("e2e", "testhost", LevelRegistry.byName(level), disks, chunkKiB * 1024, layout,
                devices, force, false);
    }

    private static void create(CreateSpec spec) throws IOException {
        try (IoEngine e = engine()) {
            ArrayCreator.create(spec, e);
        }
    }

    @ParameterizedTest(name = "{0} x{1} chunk {2}K layout {3}")
    @CsvSource({"linear,3,0,-1", "raid0,4,64,-1", "raid1,2,0,-1", "raid10,4,64,258", "raid10,3,64,513"})
    void levelsOnLoopDevicesPutBytesWhereMdDoes(String levelName, int disks, int chunkKiB, int layout)
            throws Exception {
        try (Backend loops = Backend.of("loop", levelName, disks, MEMBER_BYTES)) {
            RaidLevel level = LevelRegistry.byName(levelName);
            create(spec(levelName, disks, chunkKiB, layout, loops.paths, false));
            Mdadm.require();
            // as mdadm --create writes them: a new mirror owes its first resync, a stripe is clean
            checkMdadmAgrees(loops.paths, level.name(), disks, chunkKiB, level.redundant() ? "active" : "clean");
            byte[] reference;
            Layout math;
            long dataOffset;
            try (OpenArray open = Assembler.assemble(loops.paths, AssembleOptions.DEFAULT, engine())) {
                assertTrue(open.member(0).device().isBlockDevice());
                reference = new byte[(int) open.array().size()];
                writeRandomly(open.array(), reference, 3, 40, 17);
                BlockingIo.flush(open.array());
                verifyThroughArray(open.array(), reference);
                math = open.array().layout();
                dataOffset = open.member(0).dataOffset();
                // The first sync create leaves to the first assembly ends before the stop: clean after it.
                assertTrue(open.redundancy().awaitSyncIdle(120_000));
            }
            verifyMemberBytes(loops.paths, math, dataOffset, reference);
            List<Path> shuffled = new ArrayList<>(loops.paths);
            Collections.shuffle(shuffled, new Random(11));
            try (OpenArray again = Assembler.assemble(shuffled, AssembleOptions.DEFAULT, engine())) {
                verifyThroughArray(again.array(), reference);
            }
        }
    }

    private static String hash(Path device) throws IOException {
        try (InputStream in = Files.newInputStream(device)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> hashes(List<Path> devices) throws IOException {
        List<String> h = new ArrayList<>();
        for (Path d : devices) {
            h.add(hash(d));
        }
        return h;
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        try (Backend loops = Backend.of("loop", "bad", 4, MEMBER_BYTES);
             Backend tiny = Backend.of("loop", "tiny", 1, 512 * 1024)) {
            List<Path> d = loops.paths;
            List<String> before = hashes(d);

            IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                    () -> create(spec("raid10", 4, 64, -1, d.subList(0, 3), false)));
            assertEquals("--raid-devices=4 but 3 devices were given", few.getMessage());
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                    () -> create(spec("raid10", 1, 64, -1, d.subList(0, 1), false)));
            assertTrue(one.getMessage().contains("raid10 needs at least 2"), one.getMessage());
            Exception small = assertThrows(Exception.class,
                    () -> create(spec("raid1", 2, 0, -1, List.of(d.get(0), tiny.paths.get(0)), false)));
            assertTrue(small.getMessage().contains("cannot create") || small.getMessage().contains("too small"),
                    small.getMessage());
            assertEquals(before, hashes(d), "refused creates wrote nothing");

            if (Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")) || Files.isExecutable(Path.of("/sbin/mkfs.ext4"))) {
                Process p = new ProcessBuilder("mkfs.ext4", "-q", "-F", d.get(3).toString()).redirectErrorStream(true)
                        .start();
                assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
                String fs = hash(d.get(3));
                IOException ext4 = assertThrows(IOException.class,
                        () -> create(spec("raid1", 2, 0, -1, d.subList(2, 4), false)));
                assertTrue(ext4.getMessage().contains(d.get(3) + " holds") && ext4.getMessage().contains("ext4")
                        && ext4.getMessage().contains("--force"), ext4.getMessage());
                assertEquals(fs, hash(d.get(3)), "the file system is untouched");
                assertEquals(before.get(2), hash(d.get(2)), "the other member is untouched too");
            }

            // Two arrays, then members of both given together.
            create(spec("raid1", 2, 0, -1, d.subList(0, 2), false));
            create(spec("raid1", 2, 0, -1, d.subList(2, 4), true));
            List<String> twoArrays = hashes(d);
            IOException mixed = assertThrows(IOException.class, () -> Assembler.assemble(
                    List.of(d.get(0), d.get(1), d.get(2)), AssembleOptions.DEFAULT, engine()));
            assertTrue(mixed.getMessage().startsWith("the devices belong to different arrays:"), mixed.getMessage());
            IOException existing = assertThrows(IOException.class,
                    () -> create(spec("raid0", 2, 64, -1, List.of(d.get(1), d.get(2)), false)));
            assertTrue(existing.getMessage().contains("md v1.2 RAID superblock"), existing.getMessage());
            assertEquals(twoArrays, hashes(d), "refused assembly and create wrote nothing");

            try (OpenArray open = Assembler.assemble(d.subList(0, 2), AssembleOptions.DEFAULT, engine());
                 NativeBuffer buf = NativeBuffer.allocate(8192)) {
                BlockingIo.read(open.array(), 0, 8192, buf.address());
                byte[] start = new byte[8192];
                buf.view().get(start);
                IOException busy = assertThrows(IOException.class,
                        () -> create(spec("raid1", 2, 0, -1, d.subList(0, 2), true)));
                assertTrue(busy.getMessage().contains("in use"), "O_EXCL refuses a member in use: " + busy.getMessage());
                IOException unaligned = assertThrows(IOException.class,
                        () -> BlockingIo.write(open.array(), 100, 4096, buf.address(), 0));
                assertTrue(unaligned.getMessage().contains("invalid argument"), unaligned.getMessage());
                assertThrows(IOException.class, () -> BlockingIo.write(open.array(), 0, 1000, buf.address(), 0));
                assertThrows(IOException.class,
                        () -> BlockingIo.write(open.array(), open.array().size(), 4096, buf.address(), 0));
                buf.view().put(new byte[8192]);
                BlockingIo.read(open.array(), 0, 8192, buf.address());
                byte[] again = new byte[8192];
                buf.view().get(again);
                assertTrue(java.util.Arrays.equals(start, again), "refused requests wrote nothing");
            }
            List<String> after = hashes(d.subList(2, 4));
            assertEquals(twoArrays.subList(2, 4), after, "the other array was never touched");
        }
    }
}
