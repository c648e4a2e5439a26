package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.cli.Cli;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import io.uraid.io.testing.TestEngines;
import io.uraid.levels.Raid0Layout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An array made by uraid on member files ({@code uraid create}) and filled with a seeded
 * pattern through uraid's own I/O path ({@code uraid io --write}), for another reader (the
 * kernel) to check.
 *
 * @param name    array name, also the prefix of its result lines in the guest
 * @param level   md level name (linear, raid0, raid1, raid10)
 * @param members member files in role order
 * @param seed    pattern seed of the bytes written
 * @param size    array size in bytes as uraid computes it
 */
record UraidArray(String name, String level, List<Path> members, long seed, long size) {

    /** Member sizes in KiB from sizes in MiB. */
    static long[] mib(long... mib) {
        return Arrays.stream(mib).map(m -> m << 10).toArray();
    }

    /**
     * Creates the array over new files of {@code memberKiB} KiB each, with {@code options}
     * passed to {@code uraid create} (chunk, layout, bitmap...), and writes the pattern of
     * {@code seed} over all of it.
     */
    static UraidArray create(Path dir, String name, String level, long[] memberKiB, long seed, String... options)
            throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < memberKiB.length; i++) {
            files.add(Cli.file(dir, name + "-" + i + ".img", memberKiB[i] << 10));
        }
        List<String> create = new ArrayList<>(List.of("create", name, "--level", level, "--raid-devices",
                Integer.toString(files.size()), "--homehost", "kernel-test"));
        create.addAll(List.of(options));
        files.forEach(f -> create.add(f.toString()));
        Cli made = Cli.run(create.toArray(new String[0]));
        assertEquals(0, made.code, made.toString());
        UraidArray a = new UraidArray(name, level, files, seed, arraySize(files));
        a.write(seed, files);
        return a;
    }

    /** Writes the pattern of {@code seed} over the whole array through {@code members} (uraid io --write --run). */
    UraidArray write(long newSeed, List<Path> through) {
        List<String> io = new ArrayList<>(List.of("io", "--write", "--run", "--seed", Long.toString(newSeed)));
        through.forEach(f -> io.add(f.toString()));
        Cli wrote = Cli.run(io.toArray(new String[0]));
        assertEquals(0, wrote.code, wrote.toString());
        assertEquals(true, wrote.out.contains("wrote " + size + " bytes"), "the whole array was written: " + wrote);
        return new UraidArray(name, level, members, newSeed, size);
    }

    /** The array's size as uraid assembles it. */
    static long arraySize(List<Path> members) throws IOException {
        try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT.withRun(true),
                TestEngines.open(16))) {
            return open.array().size();
        }
    }

    /**
     * Fails unless the two raid0 layouts put some chunk of this geometry (the members as
     * uraid assembles them) on different members, so that a test of it tells them apart: they
     * differ only when the second zone has several members and starts at an array chunk number
     * that its member count does not divide.
     */
    static void assertTheRaid0LayoutsDiffer(List<Path> members) throws IOException {
        Geometry g;
        try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, TestEngines.open(16))) {
            g = open.array().geometry();
        }
        Layout original = new Raid0Layout(new Geometry(0, Raid0Layout.ORIGINAL, g.chunkBytes(), g.memberBytes()));
        Layout alternate = new Raid0Layout(new Geometry(0, Raid0Layout.ALTERNATE, g.chunkBytes(), g.memberBytes()));
        for (long at = 0; at < original.arraySize(); at += g.chunkBytes()) {
            if (original.member(at, 0) != alternate.member(at, 0)) {
                return;
            }
        }
        throw new AssertionError("original and alternate place every chunk alike for " + g);
    }

    boolean redundant() {
        return level.equals("raid1") || level.equals("raid10");
    }

    /** SHA-256 of the bytes the array must hold: the pattern over all of it. */
    String expectedSha256() {
        return io.uraid.cli.cmd.PatternBytes.sha256(seed, 0, size);
    }
}
