package io.uraid.core.sb;

import io.uraid.core.report.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Machine-readable examine output: one JSON object per member with a fixed set of keys in a
 * fixed order. {@code "schema"} numbers this format (bump it on incompatible changes);
 * {@code "version"} is the md metadata version ("1.2", "0.90.00"). Sizes and offsets are in
 * 512-byte sectors unless the key says bytes; times are epoch seconds; absent values are null.
 */
public final class ExamineJson {

    /** Current value of the "schema" key. */
    public static final int SCHEMA = 1;

    private ExamineJson() {
    }

    /** JSON for a v1.x member; arguments as in {@link ExamineFormatter#format}. */
    public static String of(MdSuperblock sb, String device, long deviceSectors, BitmapSuperblock bitmap) {
        ExamineFormatter.View v = ExamineFormatter.View.of(sb, deviceSectors, bitmap);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("device", device);
        m.put("version", sb.minorVersionName());
        m.put("uuid", MdUuid.format(sb.setUuid()));
        m.put("name", sb.setName());
        m.put("level", MdNames.level(sb.level()));
        m.put("level_number", sb.level());
        m.put("layout", sb.layout());
        m.put("layout_name", layoutName(sb.level(), sb.layout()));
        m.put("raid_disks", sb.raidDisks());
        m.put("chunk_bytes", (long) sb.chunkSize() * 512);
        m.put("feature_map", v.featureMap);
        m.put("creation_time", MdTime.seconds(sb.ctime()));
        m.put("update_time", MdTime.seconds(sb.utime()));
        m.put("events", Json.unsigned(sb.events()));
        m.put("state", sb.resyncOffset() + 1 != 0 ? "active" : "clean");
        m.put("resync_offset", sb.resyncOffset() + 1 != 0 ? Json.unsigned(sb.resyncOffset()) : null);
        m.put("device_uuid", MdUuid.format(sb.deviceUuid()));
        m.put("dev_number", sb.devNumber());
        int role = sb.role();
        m.put("role", roleName(role));
        m.put("role_index", role < MdConstants.ROLE_MAX ? role : null);
        m.put("replacement", v.has(MdConstants.FEATURE_REPLACEMENT));
        m.put("write_mostly", (sb.devflags() & MdConstants.DEVFLAG_WRITE_MOSTLY) != 0);
        m.put("failfast", (sb.devflags() & MdConstants.DEVFLAG_FAILFAST) != 0);
        m.put("array_state", ExamineFormatter.arrayState(sb, 0));
        m.put("super_offset", sb.superOffset());
        m.put("data_offset", sb.dataOffset());
        m.put("data_size", sb.dataSize());
        m.put("used_size", sb.size());
        m.put("device_size", deviceSectors);
        m.put("unused_before", v.spaceAfter == 1 ? null : v.spaceBefore);
        m.put("unused_after", v.spaceAfter == 1 ? null : v.spaceAfter);
        m.put("bitmap_offset", v.has(MdConstants.FEATURE_BITMAP_OFFSET) ? sb.bitmapOffset() : null);
        boolean ppl = !v.has(MdConstants.FEATURE_BITMAP_OFFSET)
                && v.has(MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS);
        m.put("ppl_offset", ppl ? sb.pplOffset() : null); // sectors from the superblock, as mdadm -E prints
        m.put("ppl_size", ppl ? sb.pplSize() : null);
        m.put("bad_block_log_offset", sb.bblogSize() != 0 && sb.bblogOffset() != 0 ? sb.bblogOffset() : null);
        m.put("bad_block_log_entries", sb.bblogSize() != 0 && sb.bblogOffset() != 0 ? sb.bblogSize() * 512 / 8 : null);
        m.put("bad_blocks_present", v.has(MdConstants.FEATURE_BAD_BLOCKS));
        m.put("checksum", hex(sb.sbCsum()));
        m.put("checksum_expected", hex(v.expectedChecksum));
        m.put("checksum_ok", v.expectedChecksum == sb.sbCsum());
        return write(m);
    }

    /** JSON for a 0.90 member, with the keys of the v1 form that 0.90 has. */
    public static String of(MdSuper090 sb, String device) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("device", device);
        m.put("version", sb.versionName());
        m.put("uuid", MdUuid.format(sb.uuid()));
        m.put("name", null);
        m.put("level", MdNames.level(sb.level()));
        m.put("level_number", sb.level());
        m.put("layout", sb.layout());
        m.put("layout_name", layoutName(sb.level(), sb.layout()));
        m.put("raid_disks", sb.raidDisks());
        m.put("chunk_bytes", (long) sb.chunkSize());
        m.put("creation_time", sb.ctime());
        m.put("update_time", sb.utime());
        m.put("events", sb.events());
        m.put("state", sb.clean() ? "clean" : "active");
        MdSuper090.Disk me = sb.thisDisk();
        String role = me.has(MdSuper090.DISK_FAULTY) ? "faulty"
                : me.has(MdSuper090.DISK_ACTIVE) && me.has(MdSuper090.DISK_SYNC) ? "active" : "spare";
        m.put("dev_number", me.number());
        m.put("role", role);
        m.put("role_index", role.equals("active") ? me.raidDisk() : null);
        m.put("preferred_minor", sb.mdMinor());
        m.put("used_size", sb.sizeKiB() * 2);
        m.put("data_offset", 0L);
        m.put("checksum", hex(sb.sbCsum()));
        m.put("checksum_expected", hex(sb.expectedChecksum()));
        m.put("checksum_ok", sb.checksumValid());
        return write(m);
    }

    static String roleName(int role) {
        return switch (role) {
            case MdConstants.ROLE_SPARE -> "spare";
            case MdConstants.ROLE_FAULTY -> "faulty";
            case MdConstants.ROLE_JOURNAL -> "journal";
            default -> "active";
        };
    }

    private static String layoutName(int level, int layout) {
        return switch (level) {
            case 10 -> MdNames.raid10Layout(layout).trim();
            case 5 -> MdNames.raid5Layout(layout);
            case 6 -> MdNames.raid6Layout(layout);
            default -> null;
        };
    }

    private static String hex(int v) {
        return Integer.toHexString(v);
    }

    private static String write(Map<String, Object> m) {
        return io.uraid.core.report.Json.write(m);
    }
}
