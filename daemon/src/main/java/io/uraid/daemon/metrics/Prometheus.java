package io.uraid.daemon.metrics;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sync.SyncStatus;
import io.uraid.daemon.cache.ReadCache;
import java.util.List;

/**
 * Renders array and member state in the Prometheus text format (version 0.0.4), with the
 * names node_exporter's md collector uses ({@code node_md_*}), so existing alerts work, and
 * {@code uraid_member_*} counters modelled on its diskstats names.
 */
public final class Prometheus {
    private Prometheus() {
    }

    /**
     * What one array contributes: its export name, the array, its sync progress, its spares
     * waiting for a role, open NBD connections to it, and its export's read cache (null for none).
     */
    public record ArrayView(String name, RaidArray array, SyncStatus sync, int spares, int connections,
                            ReadCache cache) {
        /** node_exporter's state label: what /proc/mdstat would show. */
        String state() {
            switch (sync.action()) {
                case RECOVER: return "recovering";
                case RESYNC: return "resync";
                case CHECK:
                case REPAIR: return "check";
                default: return "active";
            }
        }

        long blocks() {
            return array.size() / 1024;
        }

        long blocksSynced() {
            return sync.running() ? (long) (blocks() * sync.percent() / 100.0) : blocks();
        }
    }

    public static String render(List<ArrayView> arrays) {
        StringBuilder b = new StringBuilder(4096);
        family(b, "node_md_state", "gauge", "Indicates the state of md-device.");
        for (ArrayView a : arrays) {
            for (String state : new String[] {"active", "inactive", "recovering", "resync", "check"}) {
                sample(b, "node_md_state", "device=\"" + esc(a.name()) + "\",state=\"" + state + "\"",
                        state.equals(a.state()) ? 1 : 0);
            }
        }
        family(b, "node_md_disks", "gauge", "Number of active/failed/spare disks of device.");
        for (ArrayView a : arrays) {
            int active = 0;
            int failed = 0;
            for (Member m : a.array().members()) {
                active += m.state() == MemberState.IN_SYNC ? 1 : 0;
                failed += m.state() == MemberState.FAULTY ? 1 : 0;
            }
            String d = "device=\"" + esc(a.name()) + "\"";
            sample(b, "node_md_disks", d + ",state=\"active\"", active);
            sample(b, "node_md_disks", d + ",state=\"failed\"", failed);
            sample(b, "node_md_disks", d + ",state=\"spare\"", a.spares());
        }
        gauge(b, arrays, "node_md_disks_required", "Total number of disks of device.",
                a -> a.array().members().length);
        gauge(b, arrays, "node_md_raid_disks", "Number of raid disks on device.", a -> a.array().members().length);
        gauge(b, arrays, "node_md_degraded", "Number of degraded disks on device.",
                a -> a.array().members().length - a.array().workingCount());
        gauge(b, arrays, "node_md_blocks", "Total number of blocks on device.", ArrayView::blocks);
        gauge(b, arrays, "node_md_blocks_synced", "Number of blocks synced on device.", ArrayView::blocksSynced);
        gauge(b, arrays, "uraid_md_mismatch_sectors", "Sectors found to differ by the last check or repair.",
                a -> a.sync().mismatches());
        gauge(b, arrays, "uraid_nbd_connections", "Open NBD connections to the array's export.", a -> a.connections());
        cacheCounter(b, arrays, "uraid_read_cache_hits_total", "Reads answered from the export's read cache.", true);
        cacheCounter(b, arrays, "uraid_read_cache_misses_total", "Reads the export's read cache sent to the array.",
                false);

        member(b, arrays, "uraid_member_up", "gauge", "1 when the member is in sync, 0 when faulty or missing.",
                m -> m.inSync() ? 1 : 0);
        member(b, arrays, "uraid_member_reads_completed_total", "counter", "Reads completed on the member.",
                Member::reads);
        member(b, arrays, "uraid_member_writes_completed_total", "counter", "Writes completed on the member.",
                Member::writes);
        member(b, arrays, "uraid_member_read_bytes_total", "counter", "Bytes read from the member.",
                Member::readBytes);
        member(b, arrays, "uraid_member_written_bytes_total", "counter", "Bytes written to the member.",
                Member::writtenBytes);
        member(b, arrays, "uraid_member_errors_total", "counter", "I/O errors seen on the member.", Member::errors);
        memberSeconds(b, arrays, "uraid_member_read_time_seconds_total", "Total time reads spent in flight.", true);
        memberSeconds(b, arrays, "uraid_member_write_time_seconds_total", "Total time writes spent in flight.", false);
        return b.toString();
    }

    private interface ArrayValue {
        double of(ArrayView a);
    }

    private interface MemberValue {
        double of(Member m);
    }

    private static void gauge(StringBuilder b, List<ArrayView> arrays, String name, String help, ArrayValue v) {
        family(b, name, "gauge", help);
        for (ArrayView a : arrays) {
            sample(b, name, "device=\"" + esc(a.name()) + "\"", v.of(a));
        }
    }

    /** Only arrays whose export has a read cache get a sample. */
    private static void cacheCounter(StringBuilder b, List<ArrayView> arrays, String name, String help, boolean hits) {
        family(b, name, "counter", help);
        for (ArrayView a : arrays) {
            if (a.cache() != null) {
                sample(b, name, "device=\"" + esc(a.name()) + "\"", hits ? a.cache().hits() : a.cache().misses());
            }
        }
    }

    private static void member(StringBuilder b, List<ArrayView> arrays, String name, String type, String help,
                               MemberValue v) {
        family(b, name, type, help);
        for (ArrayView a : arrays) {
            for (Member m : a.array().members()) {
                if (m.device() != null) {
                    sample(b, name, memberLabels(a, m), v.of(m));
                }
            }
        }
    }

    private static void memberSeconds(StringBuilder b, List<ArrayView> arrays, String name, String help, boolean read) {
        member(b, arrays, name, "counter", help, m -> (read ? m.readNanos() : m.writeNanos()) / 1e9);
    }

    private static String memberLabels(ArrayView a, Member m) {
        return "device=\"" + esc(a.name()) + "\",member=\"" + esc(m.device().path().toString()) + "\",role=\""
                + m.role() + "\"";
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder b, String name, String labels, double value) {
        b.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            b.append((long) value);
        } else {
            b.append(value);
        }
        b.append('\n');
    }

    /** Label value escaping of the text format: backslash, quote, newline. */
    static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
