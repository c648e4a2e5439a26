package io.uraid.cli.kernel;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a shell script inside a real Linux kernel (user-mode Linux, through the uml-run tool)
 * with files attached as /dev/ubdb, /dev/ubdc...: the kernel's md driver and mdadm as the oracle.
 * The tool is found through URAID_UML_RUN, as shared/tools/uml-run beside the checkout, or on
 * the PATH; tests skip where it (or linux.uml) is not installed.
 */
final class UmlScript {
    private UmlScript() {
    }

    /** The uml-run tool, or a skipped test saying why. */
    static Path tool() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("URAID_UML_RUN");
        if (env != null && !env.isEmpty()) {
            candidates.add(Path.of(env));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            candidates.add(d.resolve("shared/tools/uml-run"));
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            candidates.add(Path.of(d, "uml-run"));
        }
        boolean kernel = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            kernel |= Files.isExecutable(Path.of(d, "linux.uml"));
        }
        Assumptions.assumeTrue(kernel, "linux.uml (user-mode-linux) is not installed");
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        Assumptions.abort("uml-run not found (set URAID_UML_RUN)");
        return null;
    }

    /** Runs {@code script} in the kernel with {@code devices} attached; what it printed (its exit status checked). */
    static String run(Path workDir, String script, Path... devices) throws Exception {
        Path tool = tool();
        Path file = workDir.resolve("script.sh");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), file.toString()));
        for (Path d : devices) {
            cmd.add(d.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("UML_TIMEOUT", "300");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(330, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("uml-run did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8).replace("\r", ""); // the console ends lines with CRLF
        if (p.exitValue() != 0) {
            throw new AssertionError("uml-run exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
