package io.uraid.cli.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.uraid.daemon.control.ControlClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installed daemon started the way the installed uraid.service starts it, short of systemd: its ExecStart
 * command line, with the package's paths taken from the scratch root and /run/RuntimeDirectory/ from a
 * directory made as RuntimeDirectory= would make it. Stopped with SIGTERM, the exit code must be one the unit
 * counts as success.
 */
final class InstalledDaemon {
    static final String ARRAY_LINE = "ARRAY data devices=";

    private InstalledDaemon() {
    }

    static void runAsTheUnitStartsIt(ScratchRoot root, Path work) throws Exception {
        Map<String, String> service = serviceSection(root.path("/lib/systemd/system/uraid.service"));
        Path run = work.resolve("run-" + service.get("RuntimeDirectory"));
        Files.createDirectories(run);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString(
                mode(service.getOrDefault("RuntimeDirectoryMode", "0755"))));
        List<String> command = new ArrayList<>();
        for (String word : service.get("ExecStart").trim().split("\\s+")) {
            command.add(localPath(word, root, "/run/" + service.get("RuntimeDirectory") + "/", run));
        }

        // An administrator makes an array and lists it in the conffile.
        Path members = Files.createDirectories(work.resolve("members"));
        String uraid = root.path("/usr/sbin/uraid").toString();
        Path m0 = sized(members.resolve("m0.img"));
        Path m1 = sized(members.resolve("m1.img"));
        Proc.ok(uraid, "create", "data", "--level", "1", "--raid-devices", "2", m0.toString(), m1.toString());
        Files.writeString(root.path("/etc/uraid/uraid.conf"), ARRAY_LINE + m0 + "," + m1 + "\n",
                StandardOpenOption.APPEND);

        Path log = work.resolve("daemon.log");
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Path control = run.resolve("control.sock");
            awaitReady(daemon, control, log);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
            String status = Proc.ok(uraid, "status", "--control", control.toString());
            assertTrue(status.contains("data"), status);
            Matcher size = Pattern.compile("array data: \\S+, (\\d+) bytes").matcher(Files.readString(log));
            assertTrue(size.find(), Files.readString(log));
            if (Proc.installed("nbdinfo")) {
                String uri = "nbd+unix:///data?socket=" + run.resolve("nbd.sock");
                assertEquals(size.group(1), Proc.ok("nbdinfo", "--size", uri).trim());
            }
            daemon.destroy(); // SIGTERM, as systemctl stop sends (KillSignal=SIGTERM)
            assertTrue(daemon.waitFor(90, TimeUnit.SECONDS), "daemon ignored SIGTERM for 90 s (TimeoutStopSec)");
            int code = daemon.exitValue();
            assertTrue(code == 0 || List.of(service.getOrDefault("SuccessExitStatus", "").split("\\s+"))
                    .contains(Integer.toString(code)), "exit " + code + " is a failure for the unit");
            assertTrue(Files.readString(log).contains("array data stopped (clean)"), Files.readString(log));
        } catch (Throwable t) {
            t.addSuppressed(new AssertionError("daemon log:\n" + Proc.tail(Files.readString(log))));
            throw t;
        } finally {
            daemon.destroyForcibly();
            daemon.waitFor();
            PackageBuild.delete(members);
            PackageBuild.delete(run);
        }
    }

    /** {@code word} of ExecStart with its path made local; fails for a path neither the package nor systemd gives. */
    private static String localPath(String word, ScratchRoot root, String runtime, Path run) {
        if (word.contains(runtime)) {
            return word.replace(runtime, run + "/");
        }
        if (word.startsWith("/")) {
            if (!Files.exists(root.path(word))) {
                fail("ExecStart names " + word + ", which the package does not install");
            }
            return root.path(word).toString();
        }
        if (word.contains("/")) {
            fail("ExecStart names " + word + ", which is neither in the package nor below " + runtime);
        }
        return word;
    }

    private static void awaitReady(Process daemon, Path control, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                fail("daemon exited with " + daemon.exitValue());
            }
            try {
                if (ControlClient.send(control, List.of("ping")).ok()
                        && Files.readString(log).contains("uraid daemon ready: 1 array(s)")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("daemon not ready after 60 s");
    }

    /** The [Service] section's settings (the last value of a key wins, as in systemd for these keys). */
    private static Map<String, String> serviceSection(Path unit) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(unit)) {
            String l = line.trim();
            if (l.startsWith("[")) {
                section = l;
            } else if (section.equals("[Service]") && !l.startsWith("#") && l.contains("=")) {
                settings.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        return settings;
    }

    /** "0700" as rwx------. */
    private static String mode(String octal) {
        StringBuilder s = new StringBuilder();
        String digits = octal.substring(octal.length() - 3);
        for (char c : digits.toCharArray()) {
            int d = c - '0';
            s.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }

    private static Path sized(Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        return p;
    }
}
