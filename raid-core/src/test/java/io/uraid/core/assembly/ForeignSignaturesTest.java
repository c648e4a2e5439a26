package io.uraid.core.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.testing.RequiredTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForeignSignaturesTest {
    @TempDir
    Path dir;

    private static String detect(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, ForeignSignatures.HEAD_BYTES));
            ch.read(head, 0);
            head.flip();
            int tailLen = (int) Math.min(size, ForeignSignatures.TAIL_BYTES);
            ByteBuffer tail = ByteBuffer.allocate(tailLen);
            ch.read(tail, size - tailLen);
            tail.flip();
            return ForeignSignatures.detect(head, tail, size);
        }
    }

    private Path blank(String name, long size) throws IOException {
        Path p = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
        return p;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void shouldFindNothingOnZeroedDevice() throws IOException {
        assertNull(detect(blank("zero.img", 8 << 20)));
    }

    @Test
    void shouldRecogniseExt4MadeByMkfs() throws Exception {
        RequiredTools.require("mkfs.ext4", "e2fsprogs");
        Path p = blank("ext4.img", 16 << 20);
        run("mkfs.ext4", "-q", "-F", p.toString());
        assertEquals("an ext4 file system", detect(p));
    }

    @Test
    void shouldRecogniseSwapMadeByMkswap() throws Exception {
        RequiredTools.require("mkswap", "util-linux");
        Path p = blank("swap.img", 16 << 20);
        run("mkswap", p.toString());
        assertEquals("a swap area", detect(p));
    }

    @Test
    void shouldRecogniseMdV12SuperblockWithItsUuid() throws IOException {
        Path p = blank("md.img", 8 << 20);
        ByteBuffer sb = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        sb.putInt(0, 0xa92b4efc).putInt(4, 1);
        for (int i = 0; i < 16; i++) {
            sb.put(16 + i, (byte) (0x10 + i));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(sb, 4096);
        }
        String found = detect(p);
        assertNotNull(found);
        assertTrue(found.contains("v1.2") && found.contains("10111213:14151617:18191a1b:1c1d1e1f"), found);
    }

    @Test
    void shouldRecogniseGptMadeBySfdisk() throws Exception {
        RequiredTools.require("sfdisk", "fdisk");
        Path p = blank("gpt.img", 16 << 20);
        Process proc = new ProcessBuilder("sfdisk", "-q", p.toString()).redirectErrorStream(true).start();
        proc.getOutputStream().write("label: gpt\n,\n".getBytes());
        proc.getOutputStream().close();
        proc.getInputStream().readAllBytes();
        assertEquals(0, proc.waitFor());
        assertEquals("a GPT partition table", detect(p));
    }
}
