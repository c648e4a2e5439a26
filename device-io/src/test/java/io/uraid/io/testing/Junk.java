package io.uraid.io.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Damage behind an array's back, for tests of what check, repair and recovery find. */
public final class Junk {
    private Junk() {
    }

    /** Overwrites {@code len} bytes of {@code file} at {@code at} with random bytes (seeded by {@code at}). */
    public static void overwrite(Path file, long at, int len) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[len];
            new Random(at).nextBytes(junk);
            f.seek(at);
            f.write(junk);
        }
    }
}
