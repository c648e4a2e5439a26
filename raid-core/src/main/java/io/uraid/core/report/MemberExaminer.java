package io.uraid.core.report;

import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.Examine090Formatter;
import io.uraid.core.sb.ExamineFormatter;
import io.uraid.core.sb.ExamineJson;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuper090;
import io.uraid.core.sb.MdSuperblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;

/**
 * {@code uraid examine}: finds the md superblock on a member (v1.2 at 4 KiB, v1.1 at 0, v1.0 near
 * the end, then 0.90 near the end, as mdadm looks for them) and prints it as
 * {@code mdadm --examine} does, or as JSON. Reads with plain buffered reads and no exclusive
 * claim, so members of a running array can be examined, like mdadm does.
 */
public final class MemberExaminer {
    private static final int SECTOR = 512;

    private MemberExaminer() {
    }

    /** mdadm --examine text for {@code device}. */
    public static String text(Path device, ZoneId zone, String homehost) throws IOException {
        return examine(device, false, zone, homehost);
    }

    /** JSON (one object) for {@code device}. */
    public static String json(Path device) throws IOException {
        return examine(device, true, ZoneId.systemDefault(), null);
    }

    /** The v1.x superblock of {@code device}, or null when it has none. */
    public static MdSuperblock readV1(Path device) throws IOException {
        try (FileChannel ch = open(device)) {
            return findV1(ch, ch.size());
        }
    }

    private static String examine(Path device, boolean json, ZoneId zone, String homehost) throws IOException {
        try (FileChannel ch = open(device)) {
            long size = ch.size();
            MdSuperblock v1 = findV1(ch, size);
            if (v1 != null) {
                BitmapSuperblock bitmap = null;
                if (v1.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
                    long at = (v1.superOffset() + v1.bitmapOffset()) * SECTOR;
                    ByteBuffer b = read(ch, at, BitmapSuperblock.BYTES);
                    bitmap = b == null ? null : BitmapSuperblock.decode(b);
                }
                String name = device.toString();
                return json ? ExamineJson.of(v1, name, size / SECTOR, bitmap)
                        : ExamineFormatter.format(v1, name, size / SECTOR, bitmap, zone, homehost);
            }
            if (size >= MdSuper090.RESERVED_SECTORS * SECTOR) {
                ByteBuffer b = read(ch, MdSuper090.superblockOffset(size), MdConstants.SUPERBLOCK_BYTES);
                if (b != null && MdSuper090.is090(b)) {
                    MdSuper090 sb = MdSuper090.decode(b);
                    return json ? ExamineJson.of(sb, device.toString())
                            : Examine090Formatter.format(sb, device.toString(), zone, homehost,
                                    MemberExaminer::deviceName);
                }
            }
            throw new IOException("No md superblock detected on " + device + ".");
        }
    }

    /**
     * The /dev name of a block device number, as mdadm's map_dev finds it (through sysfs here),
     * or null when this host has no such device.
     */
    static String deviceName(int major, int minor) {
        Path uevent = Path.of("/sys/dev/block", major + ":" + minor, "uevent");
        try {
            for (String line : java.nio.file.Files.readAllLines(uevent)) {
                if (line.startsWith("DEVNAME=")) {
                    return "/dev/" + line.substring("DEVNAME=".length());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such device here
        }
        return null;
    }

    private static MdSuperblock findV1(FileChannel ch, long size) throws IOException {
        long end10 = ((size >> 9) - 16 & ~7L) * SECTOR;
        for (long at : new long[] {8 * SECTOR, 0, end10}) {
            if (at < 0 || at + MdConstants.SUPERBLOCK_BYTES > size) {
                continue;
            }
            ByteBuffer b = read(ch, at, MdConstants.SUPERBLOCK_BYTES);
            if (b != null && MdSuperblock.isV1(b)) {
                MdSuperblock sb = MdSuperblock.decode(b);
                if (sb.superOffset() * SECTOR == at) {
                    return sb;
                }
            }
        }
        return null;
    }

    private static FileChannel open(Path device) throws IOException {
        try {
            return FileChannel.open(device, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IOException(device + ": cannot open: no such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new IOException(device + ": cannot open: permission denied", e);
        }
    }

    /** {@code n} bytes at {@code at}, or null when the device ends first. */
    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                return null;
            }
        }
        return b.flip();
    }
}
