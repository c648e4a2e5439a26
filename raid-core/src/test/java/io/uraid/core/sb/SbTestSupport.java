package io.uraid.core.sb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.testing.RequiredTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test plumbing: the interop images from ../shared/interop (decompressed with the system
 * {@code xz}), sparse member files under target/, and running the real {@code mdadm} as the
 * oracle. Anything missing makes the calling test skip with a message, not fail.
 */
final class SbTestSupport {

    static final long MIB = 1 << 20;

    private SbTestSupport() {
    }

    /** Scratch folder under the module's target/. */
    static Path scratch() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("sb-test");
        Files.createDirectories(dir);
        return dir;
    }

    /** An interop image decompressed into target/, or the test is skipped. */
    static Path interopImage(String name) throws Exception {
        String root = System.getProperty("uraid.repo.root");
        assumeTrue(root != null, "system property uraid.repo.root not set (run through Maven surefire)");
        Path xz = Path.of(root).resolve("../shared/interop").resolve(name + ".xz").normalize();
        assumeTrue(Files.isRegularFile(xz), "interop image " + xz + " absent: skipping md interop checks");
        Path out = scratch().resolve(name);
        if (!Files.isRegularFile(out) || Files.size(out) == 0) {
            assumeTrue(which("xz") != null, "xz not installed: cannot unpack " + xz);
            Path tmp = scratch().resolve(name + ".part");
            Process p = new ProcessBuilder("xz", "-dc", xz.toString()).redirectOutput(tmp.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("xz -dc " + xz + " failed");
            }
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** Bytes of a file region. */
    static ByteBuffer read(Path file, long offset, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(len);
            while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
                // keep reading
            }
            return b.flip();
        }
    }

    /** A fresh sparse file of {@code size} bytes. */
    static Path sparse(String name, long size) throws IOException {
        Path f = scratch().resolve(name);
        Files.deleteIfExists(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.allocate(1), size - 1); // truncate() cannot grow a file
        }
        return f;
    }

    static void write(Path file, long offset, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        }
    }

    /** Path of mdadm, or the test is skipped. */
    static Path mdadm() {
        Path p = which("mdadm");
        if (p == null) {
            for (String s : new String[] {"/usr/sbin/mdadm", "/sbin/mdadm"}) {
                if (Files.isExecutable(Path.of(s))) {
                    p = Path.of(s);
                }
            }
        }
        if (p == null) {
            RequiredTools.missing("mdadm is not installed (apt-get install mdadm): the comparison with the real mdadm");
        }
        return p;
    }

    /** Runs mdadm with TZ=UTC and C locale; returns stdout (stderr appended when it fails). */
    static String runMdadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(mdadm().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] out;
        byte[] err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("mdadm timed out: " + cmd);
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("mdadm " + cmd + " exited " + p.exitValue() + ": " + s
                    + new String(err, StandardCharsets.UTF_8));
        }
        return s;
    }

    static Path which(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The value after "Label : " in mdadm output, trimmed; null when the label is absent. */
    static String field(String examine, String label) {
        for (String line : examine.split("\n")) {
            int c = line.indexOf(" : ");
            if (c > 0 && line.substring(0, c).trim().equals(label)) {
                return line.substring(c + 3).trim();
            }
        }
        return null;
    }
}
