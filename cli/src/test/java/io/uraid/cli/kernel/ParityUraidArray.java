package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.TestEngines;
import io.uraid.levels.ParityArrayLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A raid4/5/6 array uraid created ({@code uraid create}) on member files and wrote through its
 * own request path, in-process: the whole array in 1 MiB writes (full stripes and partial ones),
 * then hundreds of 4-24 KiB writes at random places (read-modify-write and reconstruct-write),
 * then whole stripes, with a byte-for-byte reference of the result. Arrays created without
 * --assume-clean write while their first build (raid5) or resync (raid4/6) runs, and are closed
 * once it is done.
 *
 * @param drop the roles a degraded assembly leaves out (one for raid4/5, two for raid6)
 */
record ParityUraidArray(String name, String level, String layout, List<Path> members, long size, String sha256,
                        int[] drop) {

    static ParityUraidArray make(Path dir, String name, String level, String layout, int disks, int chunkKiB,
                                 boolean clean, long seed) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            files.add(Cli.file(dir, name + "-" + i + ".img", 3L << 20));
        }
        List<String> create = new ArrayList<>(List.of("create", name, "--level", level, "--raid-devices",
                Integer.toString(disks), "--chunk", chunkKiB + "K", "--homehost", "kernel-test"));
        if (layout != null) {
            create.addAll(List.of("--layout", layout));
        }
        if (clean) {
            create.add("--assume-clean");
        }
        files.forEach(f -> create.add(f.toString()));
        Cli made = Cli.run(create.toArray(new String[0]));
        assertEquals(0, made.code, made.toString());
        byte[] reference;
        try (OpenArray open = Assembler.assemble(files, AssembleOptions.DEFAULT, TestEngines.open(256));
             NativeBuffer buf = NativeBuffer.allocate(1 << 20)) {
            RaidArray array = open.array();
            long stripe = ((ParityArrayLayout) array.layout()).parity().stripeBytes();
            reference = new byte[(int) array.size()];
            Random rnd = new Random(seed);
            for (long at = 0; at < reference.length; at += 1 << 20) {
                write(array, buf, reference, at, (int) Math.min(1 << 20, reference.length - at), rnd);
            }
            for (int i = 0; i < 300; i++) {
                int len = 4096 * (1 + rnd.nextInt(6));
                long at = 4096L * rnd.nextInt((reference.length - len) / 4096);
                write(array, buf, reference, at, len, rnd);
            }
            for (int i = 0; i < 6; i++) {
                long at = stripe * rnd.nextInt((int) (reference.length / stripe));
                write(array, buf, reference, at, (int) Math.min(stripe, buf.capacity()), rnd);
            }
            BlockingIo.flush(array);
            assertTrue(open.redundancy().awaitSyncIdle(120_000), name + ": the first sync ends");
            assertTrue(array.members().length == array.workingCount(), name + ": every member in sync");
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int[] drop = level.equals("raid6") ? new int[] {0, 2} : new int[] {1};
        return new ParityUraidArray(name, level, layout, files, reference.length,
                HexFormat.of().formatHex(md.digest(reference)), drop);
    }

    private static void write(RaidArray array, NativeBuffer buf, byte[] reference, long at, int len, Random rnd)
            throws IOException {
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        buf.view().put(0, data);
        BlockingIo.write(array, at, len, buf.address(), 0);
        System.arraycopy(data, 0, reference, (int) at, len);
    }
}
