package io.uraid.cli.cmd;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes {@code uraid io --write --seed S} puts at each array offset, for tests outside this
 * package: their SHA-256 (to compare with what another reader, such as the kernel, reads back),
 * a file holding them (for a writer that is not uraid), and whether a block holds them.
 */
public final class PatternBytes {
    /** The pattern's unit: each 4 KiB block is drawn from (seed, offset). */
    public static final int BLOCK = SeededPattern.BLOCK;
    private static final int STEP = 1 << 20;

    private PatternBytes() {
    }

    /** SHA-256 (hex) of the pattern of {@code seed} over array bytes [from, to) (4 KiB aligned). */
    public static String sha256(long seed, long from, long to) {
        MessageDigest md = sha256();
        ByteBuffer buf = buffer(STEP);
        SeededPattern p = new SeededPattern(seed);
        for (long at = from; at < to; at += STEP) {
            int len = (int) Math.min(STEP, to - at);
            p.fill(buf, at, len);
            md.update(buf.array(), 0, len);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Writes the pattern of {@code seed} for array bytes [0, size) into {@code file}. */
    public static void writeFile(long seed, Path file, long size) throws IOException {
        ByteBuffer buf = buffer(STEP);
        SeededPattern p = new SeededPattern(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long at = 0; at < size; at += STEP) {
                int len = (int) Math.min(STEP, size - at);
                p.fill(buf, at, len);
                out.write(buf.array(), 0, len);
            }
        }
    }

    /** The 4 KiB of the pattern of {@code seed} at array offset {@code at} (a multiple of 4 KiB). */
    public static byte[] block(long seed, long at) {
        ByteBuffer b = buffer(BLOCK);
        new SeededPattern(seed).fill(b, at, BLOCK);
        return b.array();
    }

    /** Whether {@code block} (4 KiB from its position) is the pattern of {@code seed} at array offset {@code at}. */
    public static boolean matches(long seed, ByteBuffer block, long at) {
        ByteBuffer want = buffer(BLOCK);
        new SeededPattern(seed).fill(want, at, BLOCK);
        return want.equals(block.duplicate().limit(block.position() + BLOCK));
    }

    /** A heap buffer in the byte order uraid fills its (native, little-endian) buffers in. */
    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
