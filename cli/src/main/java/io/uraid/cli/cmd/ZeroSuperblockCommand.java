package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.daemon.control.ControlClient;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LinuxNative;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid zero-superblock DEV...}: erases the md superblock, as mdadm --zero-superblock does. */
@Command(name = "zero-superblock", mixinStandardHelpOptions = true,
        description = {"Erase the md v1.x superblock of each device (mdadm --zero-superblock), so it is no longer "
            + "taken for a member of its array. The data and the bitmap area are left as they are.",
            "Refused for a member, replacement or spare of an array the daemon runs (ask it, at --control), for "
                + "a block device another program holds open exclusively and for a file another program claims."})
public final class ZeroSuperblockCommand implements Callable<Integer> {
    private static final int SECTOR = 512;
    /** md's largest v1 superblock (1 KiB header and up to 1536 device roles). */
    private static final int SUPERBLOCK_AREA = 4096;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(arity = "1..*", paramLabel = "DEV", description = "Devices or image files.")
    private List<Path> devices;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path d : devices) {
            try {
                zero(d);
                out.println("uraid: zeroed the md superblock of " + d);
            } catch (IOException e) {
                err.println("uraid: " + e.getMessage());
                failed++;
            }
        }
        out.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private void zero(Path device) throws IOException {
        String owner = runningArrayOf(device);
        if (owner != null) {
            throw new IOException(device + " belongs to running array " + owner + "; stop it (or fail and remove "
                    + "the device) first");
        }
        MdSuperblock sb = MemberExaminer.readV1(device);
        if (sb == null) {
            throw new IOException(device + ": no md superblock found (unrecognised md component device)");
        }
        boolean block = !Files.isRegularFile(device);
        // A file member is claimed by whoever uses it (FileClaim), as a block device is held with O_EXCL.
        try (io.uraid.io.FileClaim claim = block ? null : io.uraid.io.FileClaim.tryClaim(device, false, false)) {
            if (!block && claim == null) {
                throw new IOException(device + " is in use (another program has claimed it)");
            }
            erase(device, sb, block);
        }
        if (MemberExaminer.readV1(device) != null) {
            throw new IOException(device + ": a superblock is still there after zeroing");
        }
    }

    private static void erase(Path device, MdSuperblock sb, boolean block) throws IOException {
        int fd = LinuxNative.open(device.toString(), LinuxNative.O_RDWR | (block ? LinuxNative.O_EXCL : 0), 0);
        if (fd == -16) { // EBUSY: O_EXCL on a block device someone holds (a running array, a mount)
            throw new IOException(device + " is in use (another program holds it open exclusively)");
        }
        if (fd < 0) {
            throw new IOException(device + ": cannot open for writing: errno " + -fd);
        }
        try (NativeBuffer zeros = NativeBuffer.allocate(SUPERBLOCK_AREA)) {
            long at = sb.superOffset() * SECTOR;
            long n = LinuxNative.pwrite(fd, zeros.address(), SUPERBLOCK_AREA, at);
            if (n != SUPERBLOCK_AREA) {
                throw new IOException(device + ": write at byte " + at + " failed: "
                        + (n < 0 ? "errno " + -n : "short write"));
            }
            int r = LinuxNative.fsync(fd, false);
            if (r < 0) {
                throw new IOException(device + ": fsync failed: errno " + -r);
            }
        } finally {
            LinuxNative.close(fd);
        }
    }

    /** The running array {@code device} belongs to, or null (also when no daemon runs). */
    private String runningArrayOf(Path device) throws IOException {
        ControlClient.Reply r;
        try {
            r = ControlClient.send(call.control, List.of("owner", device.toAbsolutePath().toString()));
        } catch (ControlClient.NoDaemonException none) {
            return null;
        }
        if (!r.ok()) {
            throw new IOException("cannot ask the daemon whether " + device + " is in use: " + r.message());
        }
        String name = r.body().trim();
        return name.isEmpty() ? null : name;
    }
}
