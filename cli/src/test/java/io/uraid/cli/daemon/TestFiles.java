package io.uraid.cli.daemon;

import io.uraid.cli.Main;
import io.uraid.io.testing.TestEngines;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Scratch directories and member files under the module's target directory, and the CLI run in this JVM. */
final class TestFiles {
    private TestFiles() {
    }

    /** Skips the calling test, saying why, only when no I/O engine works here (else the best one runs). */
    static void assumeEngine() {
        TestEngines.best();
    }

    /** A fresh directory {@code target/GROUP/PREFIX...}. */
    static Path scratch(String group, String prefix) throws Exception {
        Path base = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", group));
        return Files.createTempDirectory(base, prefix);
    }

    /** A sparse file of {@code bytes} in {@code dir}. */
    static Path sized(Path dir, String name, long bytes) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    /** Deletes {@code dir} and everything below it (nothing when null). */
    static void delete(Path dir) throws Exception {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Adds the tail of {@code log} to a failure, so a CI report shows what the daemon said. */
    static void attachLog(Throwable failure, Path log) {
        try {
            String text = Files.readString(log);
            failure.addSuppressed(new AssertionError("daemon log (tail):\n"
                    + text.substring(Math.max(0, text.length() - 8000))));
        } catch (java.io.IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Runs {@code uraid ARGS --control CONTROL} in this JVM; returns {exit code, stdout, stderr}. */
    static String[] uraid(Path control, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--control");
        all.add(control.toString());
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all.toArray(new String[0]));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** Members a.img and b.img (16 MiB) in {@code dir}, made a clean raid1 named "mir". */
    static List<Path> mirror(Path dir) throws Exception {
        List<Path> members = List.of(sized(dir, "a.img", 16L << 20), sized(dir, "b.img", 16L << 20));
        try (io.uraid.io.IoEngine e = TestEngines.open(64)) {
            io.uraid.core.assembly.ArrayCreator.create(new io.uraid.core.assembly.CreateSpec("mir", "testhost",
                    io.uraid.core.spi.LevelRegistry.byName("raid1"), 2, 0, -1, members, false, true), e);
        }
        return members;
    }

    /** Runs {@code uraid ARGS} in this JVM without a daemon (io, create, bench...); {exit code, stdout, stderr}. */
    static String[] offline(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** {@code uraid ARGS} in a child JVM: another process, as an administrator's shell would run it. */
    static Cmd child(String... args) throws Exception {
        return childIn(List.of(), args);
    }

    /** {@link #child} behind {@code prefix} (e.g. {@code ip netns exec NS}). */
    static Cmd childIn(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.uraid.cli.Main"));
        cmd.addAll(List.of(args));
        return Cmd.run(60, cmd.toArray(new String[0]));
    }

    /** The SHA-256 of a whole file, in hex. */
    static String sha256(Path p) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(p));
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /**
     * A daemon in this JVM with its control socket {@code dir/ctlID.sock} and NBD socket
     * {@code dir/nbdID.sock} ({@code id} "" for the first), reading {@code config} (or none).
     */
    static io.uraid.daemon.Daemon daemon(Path dir, String id, Path config) throws Exception {
        return io.uraid.daemon.Daemon.start(new io.uraid.daemon.Daemon.Options(config, dir.resolve("ctl" + id + ".sock"),
                List.of(io.uraid.daemon.nbd.Endpoint.unix(dir.resolve("nbd" + id + ".sock"))), null));
    }
}
