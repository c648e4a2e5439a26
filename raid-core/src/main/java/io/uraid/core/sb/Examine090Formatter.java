package io.uraid.core.sb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;

/**
 * Text of {@code mdadm --examine} (Debian mdadm 4.2, super0.c examine_super0) for a 0.90
 * member. Device names in the table come from a caller-supplied lookup, as mdadm finds them by
 * scanning /dev; a null lookup prints none.
 */
public final class Examine090Formatter {

    /** Maps a (major, minor) device number to a path such as /dev/loop0, or null. */
    @FunctionalInterface
    public interface DeviceNames {
        /** The name, or null when unknown. */
        String name(int major, int minor);
    }

    private Examine090Formatter() {
    }

    /**
     * @param sb       the decoded superblock
     * @param device   path printed in the first line
     * @param zone     zone for the times
     * @param homehost mdadm's homehost (its SHA-1 is compared with the uuid's last 8 bytes), or null
     * @param names    device-number lookup for the table, or null
     */
    public static String format(MdSuper090 sb, String device, ZoneId zone, String homehost, DeviceNames names) {
        StringBuilder o = new StringBuilder(1024);
        line(o, device + ":");
        line(o, "          Magic : %08x", MdConstants.MD_MAGIC);
        line(o, "        Version : %s", sb.versionName());
        byte[] uuid = sb.uuid();
        if (sb.minorVersion() >= 90) {
            line(o, "           UUID : %s%s", MdUuid.format(uuid),
                    homehost != null && localTo(uuid, homehost) ? " (local to host " + homehost + ")" : "");
        } else {
            line(o, "           UUID : %s", MdUuid.format(uuid).substring(0, 8));
        }
        if (sb.notPersistent()) {
            line(o, "           Eedk : not persistent");
        }
        line(o, "  Creation Time : %s", MdTime.ctime(sb.ctime(), zone));
        line(o, "     Raid Level : %s", ExamineFormatter.levelName(sb.level()));
        if (sb.level() > 0) {
            line(o, "  Used Dev Size : %d%s", (int) sb.sizeKiB(), MdNames.humanSize(sb.sizeKiB() << 10));
            long[] dd = MdNames.dataDisks(sb.level(), sb.raidDisks(), sb.layout());
            if (dd[0] != 0) {
                long asize = dd[1] == 0 ? 0 : (sb.sizeKiB() << 10) * dd[0] / dd[1];
                line(o, "     Array Size : %d%s", asize >> 10, MdNames.humanSize(asize));
            }
        }
        line(o, "   Raid Devices : %d", sb.raidDisks());
        line(o, "  Total Devices : %d", sb.nrDisks());
        line(o, "Preferred Minor : %d", sb.mdMinor());
        line(o, "");
        int deltaExtra = 0;
        if (sb.minorVersion() > 90 && sb.reshapePosition() + 1 != 0) {
            deltaExtra = reshape(o, sb);
        }
        line(o, "    Update Time : %s", MdTime.ctime(sb.utime(), zone));
        line(o, "          State : %s", sb.clean() ? "clean" : "active");
        if ((sb.state() & (1 << MdSuper090.SB_BITMAP_PRESENT)) != 0) {
            line(o, "Internal Bitmap : present");
        }
        line(o, " Active Devices : %d", sb.activeDisks());
        line(o, "Working Devices : %d", sb.workingDisks());
        line(o, " Failed Devices : %d", sb.failedDisks());
        line(o, "  Spare Devices : %d", sb.spareDisks());
        if (sb.checksumValid()) {
            line(o, "       Checksum : %x - correct", sb.sbCsum());
        } else {
            line(o, "       Checksum : %x - expected %x", sb.sbCsum(), sb.expectedChecksum());
        }
        line(o, "         Events : %s", Long.toUnsignedString(sb.events()));
        line(o, "");
        layoutAndChunk(o, sb);
        line(o, "");
        line(o, "      Number   Major   Minor   RaidDevice State");
        int rows = sb.raidDisks() + deltaExtra + sb.spareDisks();
        for (int d = -1; d < Math.min(rows, MdSuper090.DISKS); d++) {
            MdSuper090.Disk dp = d < 0 ? sb.thisDisk() : sb.disk(d);
            line(o, "%4s %5d   %5d    %5d    %5d     %s", d < 0 ? "this" : String.format(Locale.ROOT, "%4d", d),
                    dp.number(), dp.major(), dp.minor(), dp.raidDisk(), diskState(dp, names));
            if (d == -1) {
                line(o, "");
            }
        }
        return o.toString();
    }

    private static String diskState(MdSuper090.Disk dp, DeviceNames names) {
        int state = dp.state();
        boolean wonly = dp.has(MdSuper090.DISK_WRITEMOSTLY);
        boolean failfast = dp.has(MdSuper090.DISK_FAILFAST);
        state &= ~((1 << MdSuper090.DISK_WRITEMOSTLY) | (1 << MdSuper090.DISK_FAILFAST));
        StringBuilder s = new StringBuilder();
        if ((state & 1) != 0) {
            s.append(" faulty");
        }
        if ((state & 2) != 0) {
            s.append(" active");
        }
        if ((state & 4) != 0) {
            s.append(" sync");
        }
        if ((state & 8) != 0) {
            s.append(" removed");
        }
        if (wonly) {
            s.append(" write-mostly");
        }
        if (failfast) {
            s.append(" failfast");
        }
        if (state == 0) {
            s.append(" spare");
        }
        String dv = names == null ? null : names.name(dp.major(), dp.minor());
        if (dv != null) {
            s.append("   ").append(dv);
        }
        return s.toString();
    }

    private static int reshape(StringBuilder o, MdSuper090 sb) {
        int deltaExtra = 0;
        line(o, "  Reshape pos'n : %s%s", Long.toUnsignedString(sb.reshapePosition() / 2),
                MdNames.humanSize(sb.reshapePosition() << 9));
        if (sb.deltaDisks() != 0) {
            line(o, "  Delta Devices : %d (%d->%d)", sb.deltaDisks(), sb.raidDisks() - sb.deltaDisks(), sb.raidDisks());
            if (sb.deltaDisks() < 0) {
                deltaExtra = -sb.deltaDisks();
            }
        }
        if (sb.newLevel() != sb.level()) {
            line(o, "      New Level : %s", ExamineFormatter.levelName(sb.newLevel()));
        }
        if (sb.newLayout() != sb.layout()) {
            if (sb.level() == 5 || sb.level() == 6) {
                String n = sb.level() == 5 ? MdNames.raid5Layout(sb.newLayout()) : MdNames.raid6Layout(sb.newLayout());
                line(o, "     New Layout : %s", n != null ? n : "-unknown-");
            }
            if (sb.level() == 10) {
                var w = io.uraid.core.spi.Raid10Word.decode(sb.newLayout()); // 0.90's own spelling: both counts
                line(o, "     New Layout : near=%d, %s=%d", w.near(), w.offset() ? "offset" : "far", w.far());
            }
        }
        if (sb.newChunk() != sb.chunkSize()) {
            line(o, "  New Chunksize : %d", sb.newChunk());
        }
        line(o, "");
        return deltaExtra;
    }

    private static void layoutAndChunk(StringBuilder o, MdSuper090 sb) {
        int level = sb.level();
        if (level == 5 || level == 6) {
            String n = level == 5 ? MdNames.raid5Layout(sb.layout()) : MdNames.raid6Layout(sb.layout());
            line(o, "         Layout : %s", n != null ? n : "-unknown-");
        }
        if (level == 10) {
            line(o, "         Layout :%s", MdNames.raid10Layout(sb.layout()));
        }
        switch (level) {
            case 0, 4, 5, 6, 10 -> line(o, "     Chunk Size : %dK", sb.chunkSize() / 1024);
            case MdConstants.LEVEL_LINEAR -> line(o, "       Rounding : %dK", sb.chunkSize() / 1024);
            default -> { }
        }
    }

    /** mdadm's 0.90 homehost test: the uuid's words 2..3, as stored (little-endian), equal SHA-1(homehost)[0..8). */
    static boolean localTo(byte[] uuidBigEndian, String homehost) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(homehost.getBytes(StandardCharsets.UTF_8));
            ByteBuffer stored = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer be = ByteBuffer.wrap(uuidBigEndian);
            stored.putInt(be.getInt(8)).putInt(be.getInt(12));
            return Arrays.equals(stored.array(), Arrays.copyOf(hash, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    private static void line(StringBuilder o, String fmt, Object... args) {
        o.append(args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args)).append('\n');
    }
}
