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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raid4/5/6 array uraid created ({@code uraid create}) on member files and wrote through its
 * own request path, in-process: the whole array in 1 MiB writes (full stripes and partial ones),
 * then hundreds of 4-24 KiB writes at random places (read-modify-write and reconstruct-write),
 * then batches of small writes published in one dispatcher turn (gathered by the stripe cache:
 * whole stripes in 4-8 KiB pieces, and scattered rows of one stripe), then whole stripes, with a
 * byte-for-byte reference of the result. Arrays created without
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
            for (int i = 0; i < 12; i++) {
                gatheredBatch(array, buf, reference, stripe * rnd.nextInt((int) (reference.length / stripe)), stripe,
                        i % 2 == 0, rnd);
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

    /**
     * Small writes to the stripe at {@code at}, published from inside one dispatcher task so that
     * one turn takes them all: the whole stripe in 4 or 8 KiB pieces ({@code whole}: one
     * full-stripe plan), or a few scattered 4 KiB rows (one plan, RMW or RCW by their reads).
     */
    private static void gatheredBatch(RaidArray array, NativeBuffer buf, byte[] reference, long at, long stripe,
                                      boolean whole, Random rnd) throws Exception {
        int piece = stripe / 4096 > 32 ? 8192 : 4096;
        List<long[]> writes = new ArrayList<>();
        for (long off = 0; off < stripe; off += piece) {
            if (whole || rnd.nextInt(4) == 0) {
                writes.add(new long[] {at + off, piece});
            }
        }
        byte[] data = new byte[writes.size() * piece];
        rnd.nextBytes(data);
        buf.view().put(0, data);
        CountDownLatch done = new CountDownLatch(writes.size());
        AtomicInteger failed = new AtomicInteger();
        array.callOnDispatcher(() -> {
            for (int i = 0; i < writes.size(); i++) {
                array.write(writes.get(i)[0], piece, buf.address() + (long) i * piece, 0, (tag, r) -> {
                    if (r != 0) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                }, i);
            }
            return null;
        });
        assertTrue(done.await(60, TimeUnit.SECONDS), "the gathered writes complete");
        assertEquals(0, failed.get(), "every gathered write succeeds");
        for (int i = 0; i < writes.size(); i++) {
            System.arraycopy(data, i * piece, reference, (int) writes.get(i)[0], piece);
        }
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
