package io.uraid.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Real block devices for daemon tests, torn down in reverse order by {@link #close}: loop
 * devices over files, and a failing member (nbdkit's error filter behind nbdfuse behind a loop
 * device) whose reads and writes start returning EIO when a trigger file appears.
 */
final class RealDevices implements AutoCloseable {
    /** Why real devices cannot be used here, or null when they can. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root for loop devices and FUSE mounts";
        }
        for (String tool : new String[] {"losetup", "nbdkit", "nbdfuse", "fio", "mdadm"}) {
            if (!DaemonProcess.hasTool(tool)) {
                return tool + " is not installed (apt-get install util-linux nbdkit nbdfuse fuse3 fio mdadm)";
            }
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing (no FUSE in this kernel or container)";
        }
        return null;
    }

    private final Deque<AutoCloseable> undo = new ArrayDeque<>();

    /** {@code losetup -f --show file}: a new loop device, detached at close. */
    Path loop(Path file) throws Exception {
        Cmd r = Cmd.run(30, "losetup", "-f", "--show", file.toString()).ok("losetup " + file);
        Path dev = Path.of(r.output().trim());
        undo.push(() -> Cmd.run(30, "losetup", "-d", dev.toString()));
        return dev;
    }

    /**
     * {@code file} served by nbdkit with the error filter (every request fails with EIO while
     * {@code trigger} exists), mounted by nbdfuse under {@code dir}, and attached to a loop device.
     */
    Path failingLoop(Path file, Path trigger, Path dir) throws Exception {
        Path socket = dir.resolve("nbdkit.sock");
        Process nbdkit = start(List.of("nbdkit", "-f", "-U", socket.toString(), "--filter=error", "file",
                file.toString(), "error=EIO", "error-rate=1", "error-file=" + trigger), dir.resolve("nbdkit.log"));
        undo.push(() -> stop(nbdkit));
        await(() -> Files.exists(socket), nbdkit, "nbdkit socket " + socket);
        Path mount = Files.createDirectories(dir.resolve("fuse"));
        Path image = mount.resolve("member");
        Process fuse = start(List.of("nbdfuse", image.toString(), "nbd+unix:///?socket=" + socket),
                dir.resolve("nbdfuse.log"));
        undo.push(() -> stop(fuse));
        undo.push(() -> Cmd.run(30, "umount", mount.toString()));
        await(() -> Files.exists(image), fuse, "nbdfuse file " + image);
        return loop(image);
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, Process p, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!check.ok()) {
            if (!p.isAlive()) {
                throw new IOException(what + ": process exited with " + p.exitValue());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(what + " did not appear in 20 s");
            }
            Thread.sleep(50);
        }
    }

    /** Undoes everything in reverse order; keeps going past failures and reports the first. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
