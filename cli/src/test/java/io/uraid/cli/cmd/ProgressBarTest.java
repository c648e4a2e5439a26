package io.uraid.cli.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import java.io.File;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Progress bars of the long foreground tools: drawn in place on a terminal (checked under a real
 * pseudo-terminal with util-linux's script), nothing extra when the output is piped.
 */
class ProgressBarTest {
    @Test
    void theBarShowsTheFractionDoneAndIsClearedAtTheEnd() {
        assertEquals("io [===============>              ]  50.0% 8.0M", ProgressBar.render("io", 0.5, "8.0M"));
        assertEquals("io [==============================] 100.0%", ProgressBar.render("io", 1, null));
        StringWriter w = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(w), "io", true)) {
            bar.update(0.25, null);
        }
        assertTrue(w.toString().startsWith("\rio [=======>"), w.toString());
        assertTrue(w.toString().endsWith("\r"), "the line is cleared: " + w);
        StringWriter piped = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(piped), "io", false)) {
            bar.update(0.25, null);
        }
        assertEquals("", piped.toString());
    }

    /** {@code uraid io --write} over a 64 MiB raid0, run through script(1) so it has a terminal, and piped. */
    @Test
    void ioWriteDrawsABarOnATerminalOnly() throws Exception {
        RequiredTools.require("script", "util-linux");
        TestEngines.best();
        Path base = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "progress"));
        Path dir = Files.createTempDirectory(base, "p-");
        try {
            Path a = dir.resolve("a.img");
            Path b = dir.resolve("b.img");
            for (Path p : List.of(a, b)) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(64L << 20);
                }
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String uraid = java + " -cp " + System.getProperty("java.class.path") + " io.uraid.cli.Main";
            assertEquals(0, run(List.of("sh", "-c", uraid + " create p --level 0 --raid-devices 2 " + a + " " + b)).code);
            Result tty = run(List.of("script", "-qefc", uraid + " io --write --seed 3 " + a + " " + b, "/dev/null"));
            assertEquals(0, tty.code, tty.out);
            assertTrue(tty.out.contains("\rwrite [") && tty.out.contains("%"), "a bar on the terminal: " + tty.out);
            assertTrue(tty.out.contains("wrote "), tty.out);
            Result piped = run(List.of("sh", "-c", uraid + " io --verify --seed 3 " + a + " " + b + " 2>&1 | cat"));
            assertEquals(0, piped.code, piped.out);
            assertTrue(piped.out.contains("OK"), piped.out);
            assertFalse(piped.out.contains("\r") || piped.out.contains("verify ["), "nothing extra when piped: "
                    + piped.out);
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Result(int code, String out) {
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
