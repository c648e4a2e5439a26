package io.uraid.core.report;

import io.uraid.core.array.MemberState;
import io.uraid.core.sb.MdNames;
import io.uraid.core.sb.MdTime;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text laid out like {@code mdadm --detail} (labels right-aligned to a colon in column 20, the
 * device table at the end; faulty members listed after the slots, whose row then says
 * "removed"), and the same facts as JSON. Pure: works on an {@link ArrayStatus} snapshot.
 */
public final class DetailFormatter {

    private DetailFormatter() {
    }

    /** mdadm --detail text, times in the system zone. */
    public static String format(ArrayStatus s, String homehost) {
        return format(s, homehost, ZoneId.systemDefault());
    }

    public static String format(ArrayStatus s, String homehost, ZoneId zone) {
        StringBuilder o = new StringBuilder(1024);
        o.append(s.device()).append(":\n");
        field(o, "Version", s.uuid() == null ? "" : "1.2");
        if (s.created() != null) {
            field(o, "Creation Time", MdTime.ctime(s.created().getEpochSecond(), zone));
        }
        field(o, "Raid Level", s.levelName());
        field(o, "Array Size", kib(s.arrayBytes()));
        if (s.level() >= 1) {
            field(o, "Used Dev Size", kib(s.memberBytes()));
        }
        field(o, "Raid Devices", Integer.toString(s.raidDevices()));
        field(o, "Total Devices", Integer.toString(s.total()));
        field(o, "Persistence", s.uuid() == null ? "Superblock is not persistent" : "Superblock is persistent");
        o.append('\n');
        if (s.bitmap()) {
            field(o, "Intent Bitmap", "Internal");
            o.append('\n');
        }
        if (s.updated() != null) {
            field(o, "Update Time", MdTime.ctime(s.updated().getEpochSecond(), zone));
        }
        field(o, "State", state(s) + " ");
        field(o, "Active Devices", Integer.toString(s.working()));
        field(o, "Working Devices", Integer.toString(s.working() + s.spares().size()));
        field(o, "Failed Devices", Integer.toString(s.failed()));
        field(o, "Spare Devices", Integer.toString(s.spares().size()));
        o.append('\n');
        if (s.level() == 10) {
            field(o, "Layout", MdNames.raid10Layout(s.layout()).trim());
        } else if (s.level() == 5 || s.level() == 6) {
            field(o, "Layout", layoutName(s));
        }
        if (s.level() == 0 || s.level() >= 4) {
            field(o, "Chunk Size", s.chunkBytes() / 1024 + "K");
            o.append('\n');
        } else if (s.level() == -1) {
            field(o, "Rounding", s.chunkBytes() / 1024 + "K");
            o.append('\n');
        }
        field(o, "Consistency Policy", s.bitmap() ? "bitmap" : s.level() >= 1 ? "resync" : "none");
        if (s.stripeCacheSize() > 0) {
            field(o, "Stripe Cache", s.stripeCacheSize() + " stripes"); // md's stripe_cache_size (sysfs)
        }
        o.append('\n');
        syncFields(o, s.sync());
        boolean local = homehost != null && !homehost.isEmpty() && s.setName().startsWith(homehost + ":");
        field(o, "Name", s.setName() + (local ? "  (local to host " + homehost + ")" : ""));
        if (s.uuid() != null) {
            field(o, "UUID", s.uuid());
        }
        field(o, "Events", Long.toUnsignedString(s.events()));
        o.append('\n');
        table(o, s.members(), s.replacements(), s.spares());
        return o.toString();
    }

    /**
     * mdadm's "Rebuild Status : 25% complete" (Resync/Check for the other passes) while a pass
     * runs, and md's mismatch_cnt (a sysfs count mdadm does not print) once a check or repair has
     * run, each block followed by a blank line as mdadm separates its groups.
     */
    private static void syncFields(StringBuilder o, SyncStatus sync) {
        if (sync == null) {
            return;
        }
        boolean any = false;
        if (sync.running()) {
            field(o, switch (sync.action()) {
                case RECOVER -> "Rebuild Status";
                case CHECK -> "Check Status";
                case REPAIR -> "Repair Status";
                default -> "Resync Status";
            }, (int) sync.percent() + "% complete");
            any = true;
        }
        if (scrubbed(sync)) {
            field(o, "Mismatch Cnt", Long.toString(sync.mismatches()));
            any = true;
        }
        if (any) {
            o.append('\n');
        }
    }

    /** True once a check or repair has run or is running: from then on mismatch_cnt means something. */
    static boolean scrubbed(SyncStatus s) {
        return isScrub(s.action()) || isScrub(s.lastAction()) || s.mismatches() > 0;
    }

    private static boolean isScrub(SyncAction a) {
        return a == SyncAction.CHECK || a == SyncAction.REPAIR;
    }

    /** md's State line: clean|active, then degraded / FAILED, then "Not Started" when stopped. */
    static String state(ArrayStatus s) {
        StringBuilder b = new StringBuilder(s.clean() ? "clean" : "active");
        if (s.failedArray()) {
            b.append(", FAILED");
        } else if (s.degraded()) {
            b.append(", degraded");
        }
        if (s.sync() != null && s.sync().running()) {
            b.append(switch (s.sync().action()) {
                case RECOVER -> ", recovering";
                case CHECK -> ", checking";
                default -> ", resyncing";
            });
        }
        if (!s.running()) {
            b.append(", Not Started");
        }
        return b.toString();
    }

    /** mdadm's words after a device's state: " writemostly", " failfast". */
    private static String flags(MemberStatus m) {
        return (m.writeMostly() ? " writemostly" : "") + (m.failfast() ? " failfast" : "");
    }

    private static void table(StringBuilder o, List<MemberStatus> members, List<MemberStatus> replacements,
                              List<SpareStatus> spares) {
        o.append("    Number   Major   Minor   RaidDevice State\n");
        for (MemberStatus m : members) {
            if (m.role() < 0) {
                continue; // left its role: listed with the faulty devices below
            }
            if (m.state() == MemberState.IN_SYNC) {
                row(o, Integer.toString(m.number()), m.major(), m.minor(), Integer.toString(m.role()),
                        "active sync" + flags(m), m.path());
            } else if (m.path() == null || m.state() == MemberState.FAULTY) {
                row(o, "-", 0, 0, Integer.toString(m.role()), "removed", null);
            } else { // present but not yet in sync: a spare taking this role
                row(o, Integer.toString(m.number()), m.major(), m.minor(), Integer.toString(m.role()),
                        "spare rebuilding", m.path());
            }
        }
        for (MemberStatus r : replacements) { // mdadm lists a replacement being built under its role
            row(o, Integer.toString(r.number()), r.major(), r.minor(), Integer.toString(r.role()),
                    "spare rebuilding", r.path());
        }
        boolean first = true;
        for (SpareStatus sp : spares) {
            if (first) {
                o.append('\n');
                first = false;
            }
            row(o, Integer.toString(sp.number()), sp.major(), sp.minor(), "-", "spare", sp.path());
        }
        for (MemberStatus m : members) {
            if (m.state() == MemberState.FAULTY) {
                if (first) {
                    o.append('\n');
                    first = false;
                }
                row(o, Integer.toString(m.number()), m.major(), m.minor(), "-", "faulty", m.path());
            }
        }
    }

    private static void row(StringBuilder o, String number, int major, int minor, String raidDevice,
                            String state, String path) {
        o.append(String.format(Locale.ROOT, "%8s%8d%9d%9s      %s", number, major, minor, raidDevice, state));
        if (path != null) {
            o.append("   ").append(path);
        }
        o.append('\n');
    }

    private static void field(StringBuilder o, String label, String value) {
        o.append(String.format(Locale.ROOT, "%18s : %s%n", label, value).replace(System.lineSeparator(), "\n"));
    }

    private static String kib(long bytes) {
        return (bytes >> 10) + MdNames.humanSize(bytes);
    }

    /** mdadm's name of a raid5 or raid6 layout word. */
    private static String layoutName(ArrayStatus s) {
        String n = s.level() == 5 ? MdNames.raid5Layout(s.layout()) : MdNames.raid6Layout(s.layout());
        return n == null ? "-unknown-" : n;
    }

    /** The same facts as one JSON object (sizes in bytes, times in epoch seconds, absent values null). */
    public static String json(ArrayStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", s.device());
        m.put("name", s.setName());
        m.put("uuid", s.uuid());
        m.put("level", s.levelName());
        m.put("level_number", s.level());
        m.put("layout", s.level() == 10 ? MdNames.raid10Layout(s.layout()).trim()
                : s.level() == 5 || s.level() == 6 ? layoutName(s) : null);
        m.put("chunk_bytes", s.level() == 1 ? null : (long) s.chunkBytes());
        m.put("array_bytes", s.arrayBytes());
        m.put("member_bytes", s.memberBytes());
        m.put("raid_devices", s.raidDevices());
        m.put("total_devices", s.total());
        m.put("active_devices", s.working());
        m.put("failed_devices", s.failed());
        m.put("spare_devices", s.spares().size());
        m.put("state", state(s));
        m.put("degraded", s.degraded());
        m.put("bitmap", s.bitmap() ? "internal" : null);
        if (s.level() >= 4 && s.level() <= 6) {
            m.put("stripe_cache_size", s.stripeCacheSize()); // md's sysfs md/stripe_cache_size
        }
        m.put("events", s.events());
        m.put("creation_time", s.created() == null ? null : s.created().getEpochSecond());
        m.put("update_time", s.updated() == null ? null : s.updated().getEpochSecond());
        List<Map<String, Object>> devices = new java.util.ArrayList<>();
        for (MemberStatus ms : s.members()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("role", ms.role() < 0 ? null : ms.role());
            d.put("number", ms.number() < 0 ? null : ms.number());
            d.put("device", ms.path());
            d.put("state", switch (ms.state()) {
                case IN_SYNC -> "active sync";
                case FAULTY -> "faulty";
                case MISSING -> "removed";
                case REBUILDING -> "spare rebuilding";
            });
            d.put("errors", ms.errors());
            devices.add(d);
        }
        for (SpareStatus sp : s.spares()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("role", null);
            d.put("number", sp.number());
            d.put("device", sp.path());
            d.put("state", "spare");
            d.put("errors", 0L);
            devices.add(d);
        }
        m.put("devices", devices);
        if (s.sync() != null) {
            m.put("sync_action", s.sync().action().mdName());
            m.put("sync_percent", Math.floor(s.sync().percent() * 10) / 10);
            // md's sysfs sync_completed: "DONE / TOTAL" sectors of the running pass, "none" when idle
            m.put("sync_completed", s.sync().running() ? s.sync().doneBytes() / 512 + " / "
                    + s.sync().totalBytes() / 512 : "none");
            m.put("mismatch_cnt", s.sync().mismatches());
        }
        return Json.write(m);
    }
}
