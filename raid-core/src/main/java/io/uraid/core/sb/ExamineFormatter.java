package io.uraid.core.sb;

import static io.uraid.core.sb.MdConstants.FEATURE_BAD_BLOCKS;
import static io.uraid.core.sb.MdConstants.FEATURE_BITMAP_OFFSET;
import static io.uraid.core.sb.MdConstants.FEATURE_MULTIPLE_PPLS;
import static io.uraid.core.sb.MdConstants.FEATURE_NEW_OFFSET;
import static io.uraid.core.sb.MdConstants.FEATURE_PPL;
import static io.uraid.core.sb.MdConstants.FEATURE_RAID0_LAYOUT;
import static io.uraid.core.sb.MdConstants.FEATURE_RECOVERY_OFFSET;
import static io.uraid.core.sb.MdConstants.FEATURE_REPLACEMENT;
import static io.uraid.core.sb.MdConstants.FEATURE_RESHAPE_ACTIVE;
import static io.uraid.core.sb.MdConstants.ROLE_FAULTY;
import static io.uraid.core.sb.MdConstants.ROLE_JOURNAL;
import static io.uraid.core.sb.MdConstants.ROLE_MAX;

import java.time.ZoneId;

/**
 * Text of {@code mdadm --examine DEVICE} (Debian mdadm 4.2, super1.c examine_super1) for a
 * v1.x member, line for line, including mdadm's quirks: a faulty role prints as "spare", and a
 * bitmap superblock that is missing or belongs to another array makes mdadm drop the bitmap
 * feature bit before judging the checksum. Pure: the caller reads the bytes.
 */
public final class ExamineFormatter {

    private ExamineFormatter() {
    }

    /** {@link #format(MdSuperblock, String, long, BitmapSuperblock, ZoneId, String)} in the system zone, no homehost. */
    public static String format(MdSuperblock sb, String device, long deviceSectors, BitmapSuperblock bitmap) {
        return format(sb, device, deviceSectors, bitmap, ZoneId.systemDefault(), null);
    }

    /**
     * @param sb            the decoded superblock
     * @param device        path printed in the first line ("path:")
     * @param deviceSectors size of the member in sectors (for "Unused Space")
     * @param bitmap        the 256 bytes at super_offset + bitmap_offset decoded, or null when not read
     * @param zone          zone for the times (mdadm uses the process's local time)
     * @param homehost      mdadm's homehost for the "(local to host …)" remark, or null
     */
    public static String format(MdSuperblock sb, String device, long deviceSectors, BitmapSuperblock bitmap,
                                ZoneId zone, String homehost) {
        View v = View.of(sb, deviceSectors, bitmap);
        StringBuilder o = new StringBuilder(1024);
        line(o, device + ":");
        line(o, "          Magic : %08x", sb.magic());
        line(o, "        Version : %s", sb.minorVersionName());
        line(o, "    Feature Map : 0x%x", v.featureMap);
        line(o, "     Array UUID : %s", MdUuid.format(sb.setUuid()));
        String name = sb.setName();
        boolean local = homehost != null && !homehost.isEmpty() && homehost.length() < 32
                && name.startsWith(homehost + ":");
        line(o, "           Name : %s%s", name, local ? "  (local to host " + homehost + ")" : "");
        if (bitmap != null && bitmap.nodes() > 0 && v.has(FEATURE_BITMAP_OFFSET)) {
            line(o, "   Cluster Name : %-64s", bitmap.clusterName());
        }
        line(o, "  Creation Time : %s", MdTime.ctime(MdTime.seconds(sb.ctime()), zone));
        line(o, "     Raid Level : %s", levelName(sb.level()));
        line(o, "   Raid Devices : %d", sb.raidDisks());
        line(o, "");
        line(o, " Avail Dev Size : %d sectors%s", sb.dataSize(), MdNames.humanSize(sb.dataSize() << 9));
        if (sb.level() > 0) {
            long[] dd = MdNames.dataDisks(sb.level(), sb.raidDisks(), sb.layout());
            if (dd[0] != 0) {
                long asize = dd[1] == 0 ? 0 : (sb.size() << 9) * dd[0] / dd[1];
                line(o, "     Array Size : %d KiB%s", asize >> 10, MdNames.humanSize(asize));
            }
            if (sb.size() != sb.dataSize()) {
                line(o, "  Used Dev Size : %d sectors%s", sb.size(), MdNames.humanSize(sb.size() << 9));
            }
        }
        if (sb.dataOffset() != 0) {
            line(o, "    Data Offset : %d sectors", sb.dataOffset());
        }
        if (sb.newOffset() != 0 && v.has(FEATURE_NEW_OFFSET)) {
            line(o, "     New Offset : %d sectors", sb.dataOffset() + sb.newOffset());
        }
        line(o, "   Super Offset : %d sectors", sb.superOffset());
        if (v.has(FEATURE_RECOVERY_OFFSET)) {
            line(o, "Recovery Offset : %d sectors", sb.recoveryOffset());
        }
        if (v.spaceAfter != 1 && !v.has(FEATURE_NEW_OFFSET)) {
            line(o, "   Unused Space : before=%s sectors, after=%s sectors",
                    Long.toUnsignedString(v.spaceBefore), Long.toUnsignedString(v.spaceAfter));
        }
        line(o, "          State : %s", sb.resyncOffset() + 1 != 0 ? "active" : "clean");
        line(o, "    Device UUID : %s", MdUuid.format(sb.deviceUuid()));
        line(o, "");
        if (v.has(FEATURE_BITMAP_OFFSET)) {
            line(o, "Internal Bitmap : %d sectors from superblock", sb.bitmapOffset());
        } else if ((v.featureMap & (FEATURE_PPL | FEATURE_MULTIPLE_PPLS)) != 0) {
            line(o, "            PPL : %d sectors at offset %d sectors from superblock",
                    sb.pplSize(), sb.pplOffset() & 0xffff);
        }
        int deltaExtra = reshape(o, sb, v);
        if (sb.devflags() != 0) {
            line(o, "          Flags :%s%s", (sb.devflags() & 1) != 0 ? " write-mostly" : "",
                    (sb.devflags() & 2) != 0 ? " failfast" : "");
        }
        line(o, "    Update Time : %s", MdTime.ctime(MdTime.seconds(sb.utime()), zone));
        if (sb.bblogSize() != 0 && sb.bblogOffset() != 0) {
            line(o, "  Bad Block Log : %d entries available at offset %d sectors%s", sb.bblogSize() * 512 / 8,
                    sb.bblogOffset(), v.has(FEATURE_BAD_BLOCKS) ? " - bad blocks present." : "");
        }
        if (v.expectedChecksum == sb.sbCsum()) {
            line(o, "       Checksum : %x - correct", sb.sbCsum());
        } else {
            line(o, "       Checksum : %x - expected %x", sb.sbCsum(), v.expectedChecksum);
        }
        line(o, "         Events : %s", Long.toUnsignedString(sb.events()));
        line(o, "");
        layoutAndChunk(o, sb, v);
        line(o, "");
        int role = sb.role();
        if (role >= ROLE_FAULTY) {
            line(o, "   Device Role : spare");
        } else if (role == ROLE_JOURNAL) {
            line(o, "   Device Role : Journal");
        } else if (v.has(FEATURE_REPLACEMENT)) {
            line(o, "   Device Role : Replacement device %d", role);
        } else {
            line(o, "   Device Role : Active device %d", role);
        }
        arrayState(o, sb, deltaExtra);
        return o.toString();
    }

    /** The "Array State" letters: A active, . missing, R replacing, ? inconsistent (mdadm's rules). */
    public static String arrayState(MdSuperblock sb, int deltaExtra) {
        StringBuilder s = new StringBuilder();
        int[] roles = sb.devRoles();
        for (int d = 0; d < sb.raidDisks() + deltaExtra; d++) {
            int cnt = 0;
            for (int r : roles) {
                if (r == d) {
                    cnt++;
                }
            }
            s.append(cnt == 2 && sb.level() > 0 ? 'R' : cnt == 1 ? 'A' : cnt == 0 ? '.' : '?');
        }
        return s.toString();
    }

    static String levelName(int level) {
        String n = MdNames.level(level);
        return n != null ? n : "-unknown-";
    }

    private static void arrayState(StringBuilder o, MdSuperblock sb, int deltaExtra) {
        String state = arrayState(sb, deltaExtra);
        line(o, "   Array State : %s ('A' == active, '.' == missing, 'R' == replacing)", state);
        boolean inconsistent = state.indexOf('?') >= 0;
        int[] roles = sb.devRoles();
        for (int r : roles) {
            // mdadm compares with '>' here, so a role equal to raid_disks passes: kept as is.
            if (r <= ROLE_MAX && r > sb.raidDisks() + deltaExtra) {
                inconsistent = true;
            }
        }
        if (inconsistent) {
            line(o, "WARNING Array state is inconsistent - each number should appear only once");
            StringBuilder s = new StringBuilder();
            for (int d = 0; d < roles.length; d++) {
                s.append(roles[d] >= ROLE_FAULTY ? " " + d + ":-" : " " + d + ":" + roles[d]);
            }
            line(o, s.toString());
        }
    }

    private static int reshape(StringBuilder o, MdSuperblock sb, View v) {
        if (!v.has(FEATURE_RESHAPE_ACTIVE)) {
            return 0;
        }
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
            line(o, "      New Level : %s", levelName(sb.newLevel()));
        }
        if (sb.newLayout() != sb.layout()) {
            if (sb.level() == 5) {
                line(o, "     New Layout : %s", orUnknown(MdNames.raid5Layout(sb.newLayout())));
            }
            if (sb.level() == 6) {
                line(o, "     New Layout : %s", orUnknown(MdNames.raid6Layout(sb.newLayout())));
            }
            if (sb.level() == 10) {
                line(o, "     New Layout :%s", MdNames.raid10Layout(sb.newLayout()));
            }
        }
        if (sb.newChunk() != sb.chunkSize()) {
            line(o, "  New Chunksize : %dK", sb.newChunk() / 2);
        }
        line(o, "");
        return deltaExtra;
    }

    private static void layoutAndChunk(StringBuilder o, MdSuperblock sb, View v) {
        int level = sb.level();
        if (level == 0 && v.has(FEATURE_RAID0_LAYOUT)) {
            line(o, "         Layout : %s", orUnknown(MdNames.raid0Layout(sb.layout())));
        }
        if (level == 5) {
            line(o, "         Layout : %s", orUnknown(MdNames.raid5Layout(sb.layout())));
        }
        if (level == 6) {
            line(o, "         Layout : %s", orUnknown(MdNames.raid6Layout(sb.layout())));
        }
        if (level == 10) {
            line(o, "         Layout :%s", MdNames.raid10Layout(sb.layout()));
        }
        switch (level) {
            case 0, 4, 5, 6, 10 -> line(o, "     Chunk Size : %dK", sb.chunkSize() / 2);
            case MdConstants.LEVEL_LINEAR -> line(o, "       Rounding : %dK", sb.chunkSize() / 2);
            default -> { }
        }
    }

    private static String orUnknown(String s) {
        return s != null ? s : "-unknown-";
    }

    private static void line(StringBuilder o, String fmt, Object... args) {
        o.append(args.length == 0 ? fmt : String.format(java.util.Locale.ROOT, fmt, args)).append('\n');
    }

    /**
     * What mdadm sees after load_super1 and getinfo_super1: the feature map with the bitmap bit
     * dropped when the bitmap superblock does not match, the checksum of that copy, and the
     * unused space before and after the data (unsigned, as mdadm computes it).
     */
    static final class View {
        final int featureMap;
        final int expectedChecksum;
        final long spaceBefore;
        final long spaceAfter;

        private View(int featureMap, int expectedChecksum, long spaceBefore, long spaceAfter) {
            this.featureMap = featureMap;
            this.expectedChecksum = expectedChecksum;
            this.spaceBefore = spaceBefore;
            this.spaceAfter = spaceAfter;
        }

        boolean has(int bit) {
            return (featureMap & bit) != 0;
        }

        static View of(MdSuperblock sb, long deviceSectors, BitmapSuperblock bitmap) {
            int fm = sb.featureMap();
            if ((fm & FEATURE_BITMAP_OFFSET) != 0 && (bitmap == null || !bitmap.matches(sb.setUuid()))) {
                fm &= ~FEATURE_BITMAP_OFFSET;
            }
            boolean hasBitmap = (fm & FEATURE_BITMAP_OFFSET) != 0;
            long bitmapOffset = hasBitmap ? sb.bitmapOffset() : 0;
            boolean ppl = !hasBitmap && (fm & (FEATURE_PPL | FEATURE_MULTIPLE_PPLS)) != 0;
            long pplOffset = ppl ? sb.pplOffset() : 0;
            long pplSize = ppl ? sb.pplSize() : 0;
            long superOffset = sb.superOffset();
            long dataOffset = sb.dataOffset();
            long dataSize = sb.level() <= 0 ? sb.dataSize() : sb.size();
            boolean bblog = sb.bblogOffset() != 0 && sb.bblogSize() != 0;
            long before;
            long after;
            if (Long.compareUnsigned(dataOffset, superOffset) < 0) { // 1.0: metadata after the data
                before = dataOffset;
                long end = superOffset;
                if (bblog && Long.compareUnsigned(superOffset + sb.bblogOffset(), end) < 0) {
                    end = superOffset + sb.bblogOffset();
                }
                if (Long.compareUnsigned(superOffset + bitmapOffset + pplOffset, end) < 0) {
                    end = superOffset + bitmapOffset + pplOffset;
                }
                after = Long.compareUnsigned(dataOffset + dataSize, end) < 0 ? end - dataSize - dataOffset : 0;
            } else {
                long earliest = superOffset + (32 + 4) * 2; // mdadm: "match kernel"
                if (bitmapOffset > 0) {
                    // mdadm adds the bitmap size to the offset relative to the superblock, not
                    // to its absolute position; reproduced so "before=" matches.
                    long bmEnd = bitmapOffset + bitmap.onDiskBytes(4096) / 512;
                    earliest = Math.max(earliest, bmEnd);
                } else if (pplOffset > 0) {
                    earliest = Math.max(earliest, pplOffset + pplSize);
                }
                if (bblog) {
                    earliest = Math.max(earliest, superOffset + sb.bblogOffset() + sb.bblogSize());
                }
                before = Long.compareUnsigned(earliest, dataOffset) < 0 ? dataOffset - earliest : 0;
                after = deviceSectors - dataSize - dataOffset;
            }
            if (before == 0 && after == 0) {
                after = 1; // mdadm's marker for "no room, but reshape still allowed": line suppressed
            }
            if (sb.role() == ROLE_JOURNAL) { // a journal uses whole 4 KiB blocks (set after the marker, as mdadm)
                after = Long.remainderUnsigned(deviceSectors - dataOffset, 8);
            }
            int csum = fm == sb.featureMap() ? sb.expectedChecksum() : sb.checksumWithFeatureMap(fm);
            return new View(fm, csum, before, after);
        }
    }
}
