package io.uraid.core.assembly;

import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.io.BlockDevice;
import io.uraid.io.ClaimDirectory;
import io.uraid.io.DeviceBusyException;
import io.uraid.io.FileClaim;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host-wide claim of an array: while an array runs (in a daemon, in {@code uraid io}, in a
 * bench) its UUID is claimed through a lock file, {@code DIR/UUID.lock}, which also records the
 * name it runs as and the process, so a second start of the same array, from its other half, in
 * another daemon or in this one, is refused naming the first ("already running as p (pid N)").
 * Read-only users ({@code uraid io --verify}) share the claim; a writer excludes everyone.
 *
 * <p>The directory is {@link ClaimDirectory}'s: {@code /run/lock/uraid} for root (the system
 * property {@code uraid.claims} or the environment variable {@code URAID_CLAIMS_DIR} override
 * it); a user who cannot write there gets a directory of their own under the temporary
 * directory.
 */
public final class ArrayClaim implements AutoCloseable {
    private final Path file;
    private final FileClaim claim;
    private final boolean recorded;

    private ArrayClaim(Path file, FileClaim claim, boolean recorded) {
        this.file = file;
        this.claim = claim;
        this.recorded = recorded;
    }

    /**
     * Claims the array {@code uuid}, to run as {@code name}: shared when it is only read.
     *
     * @throws IOException "array UUID is already running as NAME (pid N)" when it is claimed
     */
    public static ArrayClaim claim(byte[] uuid, String name, boolean readOnly) throws IOException {
        Path file = fileOf(uuid);
        FileClaim c = FileClaim.tryClaim(file, readOnly, true);
        if (c == null) {
            String holder = holder(file);
            throw new IOException("array " + MdUuid.format(uuid) + " is already "
                    + (holder == null ? "in use (read by a uraid command)" : "running as " + holder));
        }
        if (readOnly) {
            return new ArrayClaim(file, c, false);
        }
        try {
            Files.writeString(file, ProcessHandle.current().pid() + " " + name + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            c.close();
            throw new IOException(file + ": cannot record the claim: " + e.getMessage(), e);
        }
        return new ArrayClaim(file, c, true);
    }

    /** "NAME (pid N)" of the writer running array {@code uuid} on this host, or null. */
    public static String holderOf(byte[] uuid) {
        Path file = fileOf(uuid);
        try {
            return Files.exists(file) && FileClaim.isClaimed(file) ? holder(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String holder(Path file) {
        try {
            String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                return null;
            }
            long pid = Long.parseLong(line.substring(0, sp));
            // A writer killed with -9 leaves its record behind (its lock went with it).
            return ProcessHandle.of(pid).isPresent() ? line.substring(sp + 1) + " (pid " + pid + ")" : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * Opens {@code path} through {@code engine} as {@link IoEngine#open} does; when an exclusive
     * open is refused because the device is claimed, the error names who holds it
     * ({@link #explain}). For every command that writes to devices: create, assemble, add, bench.
     */
    public static BlockDevice open(IoEngine engine, Path path, OpenOptions options) throws IOException {
        try {
            return engine.open(path, options);
        } catch (DeviceBusyException e) {
            throw explain(e);
        }
    }

    /**
     * The refusal of a device that could not be claimed, naming the array that holds it where
     * that can be known: "DEV is in use by array NAME (pid N)", or the kernel's md device that
     * holds a block device; otherwise {@code busy} as it was.
     */
    public static IOException explain(DeviceBusyException busy) {
        Path dev = busy.path();
        try {
            MdSuperblock sb = MemberExaminer.readV1(dev);
            String holder = sb == null ? null : holderOf(sb.setUuid());
            if (holder != null) {
                return new DeviceBusyException(dev, dev + " is in use by array " + holder);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: say what the open said
        }
        String kernel = kernelHolders(dev);
        return kernel == null ? busy : new DeviceBusyException(dev, dev + " is in use by " + kernel);
    }

    /** The kernel devices (md, dm) holding block device {@code dev}, from sysfs; null when none or not known. */
    private static String kernelHolders(Path dev) {
        try {
            Path real = dev.toRealPath();
            Path holders = Path.of("/sys/class/block", real.getFileName().toString(), "holders");
            if (!Files.isDirectory(holders)) {
                return null;
            }
            try (var s = Files.list(holders)) {
                String names = String.join(", ", s.map(p -> p.getFileName().toString()).sorted().toList());
                return names.isEmpty() ? null : names + " (kernel)";
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static Path fileOf(byte[] uuid) {
        return directory().resolve(MdUuid.format(uuid).replace(':', '-') + ".lock");
    }

    /** Where the claims live (created on first use): {@link ClaimDirectory}. */
    public static Path directory() {
        return ClaimDirectory.get();
    }

    /** Releases the claim; the record is emptied first, so no one reads a stale holder. */
    @Override
    public void close() {
        if (recorded) {
            try {
                Files.writeString(file, "");
            } catch (IOException e) {
                // the lock below is what counts; a stale record is ignored once unlocked
            }
        }
        claim.close();
    }
}
