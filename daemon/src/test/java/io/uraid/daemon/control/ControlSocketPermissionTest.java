package io.uraid.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.daemon.Daemon;
import io.uraid.daemon.nbd.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: a user who may not use the control socket is told "permission denied", not "no
 * daemon is running". Runs the client as nobody (setpriv), so it needs root.
 */
class ControlSocketPermissionTest {
    private Path dir;
    private Daemon daemon;

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void anotherUserIsToldPermissionDeniedNotNoDaemon() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a client as another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is not installed");
        Path classes = Path.of("target", "classes").toAbsolutePath();
        assumeTrue(new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/test", "-r", classes.resolve("io/uraid/daemon/control/ControlClient.class").toString())
                .start().waitFor() == 0, "nobody cannot read " + classes + " (a checkout under a private home)");
        Path base = Files.createDirectories(Path.of("target", "control-perm").toAbsolutePath());
        dir = Files.createTempDirectory(base, "p-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path open = dir.resolve("ctl.sock"); // the socket itself is 0600
        Path closedDir = Files.createDirectory(dir.resolve("private"));
        Files.setPosixFilePermissions(closedDir, PosixFilePermissions.fromString("rwx------"));
        daemon = Daemon.start(new Daemon.Options(null, open, List.of(Endpoint.unix(dir.resolve("nbd.sock"))), null));
        try (Daemon second = Daemon.start(new Daemon.Options(null, closedDir.resolve("ctl.sock"),
                List.of(Endpoint.unix(dir.resolve("nbd2.sock"))), null))) {
            for (Path socket : new Path[] {open, closedDir.resolve("ctl.sock")}) {
                String out = asNobody(socket);
                assertTrue(out.startsWith("error: permission denied on the control socket " + socket), out);
            }
        }
        assertTrue(asNobody(dir.resolve("none.sock")).startsWith("error: no uraid daemon is running"),
                "a socket that is not there is still 'no daemon'");
    }

    /** ControlClient.send(socket, ping) in a JVM running as nobody; what it printed. */
    private static String asNobody(Path socket) throws Exception {
        String cp = Path.of("target", "classes").toAbsolutePath() + ":"
                + Path.of("target", "test-classes").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                PingMain.class.getName(), socket.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The child: one ping, the answer or the error message on stdout. */
    public static final class PingMain {
        public static void main(String[] args) {
            try {
                System.out.println("ok: " + ControlClient.send(Path.of(args[0]), List.of("ping")).body());
            } catch (java.io.IOException e) {
                System.out.println("error: " + e.getMessage());
            }
        }
    }
}
