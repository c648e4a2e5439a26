package io.uraid.cli.deb;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A finished external command: its exit code and its output (stdout and stderr interleaved). */
record Proc(List<String> command, int code, String out) {

    /** Runs {@code command} with stdin closed; fails when it runs longer than {@code timeoutSeconds}. */
    static Proc run(long timeoutSeconds, Map<String, String> env, Path dir, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path output = Files.createTempFile("uraid-deb-test-", ".out");
        try {
            pb.redirectOutput(output.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                throw new IOException(String.join(" ", command) + " still running after " + timeoutSeconds
                        + " s; output:\n" + tail(Files.readString(output)));
            }
            return new Proc(command, p.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static Proc run(String... command) throws IOException, InterruptedException {
        return run(300, Map.of(), null, List.of(command));
    }

    /** The same, failing unless the command exits 0. */
    static String ok(String... command) throws IOException, InterruptedException {
        return run(command).ok();
    }

    /** This result's output, or an AssertionError naming the command, its exit code and output. */
    String ok() {
        if (code != 0) {
            throw new AssertionError(this.toString());
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + code + "\n" + tail(out);
    }

    static String tail(String text) {
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    /** True when {@code name} is an executable in one of the usual system directories or on PATH. */
    static boolean installed(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin";
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }
}
