package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.cli.Cli;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.testing.TestEngines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Creates the array over new files of {@code memberMiB} MiB each, with {@code options}
     * passed to {@code uraid create} (chunk, layout, bitmap...), and writes the pattern of
     * {@code seed} over all of it.
     */
    static UraidArray create(Path dir, String name, String level, long[] memberMiB, long seed, String... options)
            throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < memberMiB.length; i++) {
            files.add(Cli.file(dir, name + "-" + i + ".img", memberMiB[i] << 20));
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

    boolean redundant() {
        return level.equals("raid1") || level.equals("raid10");
    }

    /** SHA-256 of the bytes the array must hold: the pattern over all of it. */
    String expectedSha256() {
        return io.uraid.cli.cmd.PatternBytes.sha256(seed, 0, size);
    }
}
