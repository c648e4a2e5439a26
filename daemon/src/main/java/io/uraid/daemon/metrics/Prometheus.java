package io.uraid.daemon.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sync.SyncStatus;
import io.uraid.daemon.cache.ReadCache;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's array and member metrics, registered with the Prometheus Java client as
 * callbacks read at every scrape: the names node_exporter's md collector uses
 * ({@code node_md_*}), so existing alerts work, and {@code uraid_member_*} counters modelled on
 * its diskstats names.
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

        /** node_exporter's: mdstat's "(a/b)" a while a pass runs (md's units: member KiB for raid4/5/6), else the blocks. */
        long blocksSynced() {
            return sync.running() ? sync.doneBytes() >> 10 : blocks();
        }

        int count(MemberState state) {
            int n = 0;
            for (Member m : array.members()) {
                n += m.state() == state ? 1 : 0;
            }
            return n;
        }
    }

    private static final String[] MD_STATES = {"active", "inactive", "recovering", "resync", "check"};

    /** Registers every family on {@code registry}; {@code arrays} is asked at each scrape. */
    public static void register(PrometheusRegistry registry, Supplier<List<ArrayView>> arrays) {
        GaugeWithCallback.builder().name("node_md_state").help("Indicates the state of md-device.")
                .labelNames("device", "state").callback(cb -> {
                    for (ArrayView a : arrays.get()) {
                        for (String state : MD_STATES) {
                            cb.call(state.equals(a.state()) ? 1 : 0, a.name(), state);
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("node_md_disks").help("Number of active/failed/spare disks of device.")
                .labelNames("device", "state").callback(cb -> {
                    for (ArrayView a : arrays.get()) {
                        cb.call(a.count(MemberState.IN_SYNC), a.name(), "active");
                        cb.call(a.count(MemberState.FAULTY), a.name(), "failed");
                        cb.call(a.spares(), a.name(), "spare");
                    }
                }).register(registry);
        arrayGauge(registry, arrays, "node_md_disks_required", "Total number of disks of device.",
                a -> a.array().members().length);
        arrayGauge(registry, arrays, "node_md_raid_disks", "Number of raid disks on device.",
                a -> a.array().members().length);
        arrayGauge(registry, arrays, "node_md_degraded", "Number of degraded disks on device.",
                a -> a.array().members().length - a.array().workingCount());
        arrayGauge(registry, arrays, "node_md_blocks", "Total number of blocks on device.", ArrayView::blocks);
        arrayGauge(registry, arrays, "node_md_blocks_synced", "Number of blocks synced on device.",
                ArrayView::blocksSynced);
        arrayGauge(registry, arrays, "uraid_md_mismatch_sectors",
                "Sectors found to differ by the last check or repair (md's mismatch_cnt).", a -> a.sync().mismatches());
        arrayGauge(registry, arrays, "uraid_nbd_connections", "Open NBD connections to the array's export.",
                ArrayView::connections);
        arrayCounter(registry, arrays, "uraid_array_data_legs_total", "Reads and writes of requests issued to members.",
                a -> a.array().dataLegs());
        arrayCounter(registry, arrays, "uraid_array_fixed_legs_total",
                "Of those, legs on registered (fixed) buffers: READ_FIXED/WRITE_FIXED on io_uring.",
                a -> a.array().fixedLegs());
        arrayCounter(registry, arrays, "uraid_array_behind_writes_total",
                "Writes to write-mostly members that went out behind their request (md's write-behind).",
                a -> a.array().behindWrites());
        arrayGauge(registry, arrays, "uraid_array_behind_writes_in_flight",
                "Write-behind writes still in flight (at most the bitmap's write-behind limit).",
                a -> a.array().behindWritesInFlight());
        cacheCounter(registry, arrays, "uraid_read_cache_hits_total", "Reads answered from the export's read cache.",
                true);
        cacheCounter(registry, arrays, "uraid_read_cache_misses_total",
                "Reads the export's read cache sent to the array.", false);

        GaugeWithCallback.builder().name("uraid_member_up")
                .help("1 when the member is in sync, 0 when faulty or missing.")
                .labelNames("device", "member", "role").callback(cb -> eachMember(arrays, (a, m) ->
                        cb.call(m.inSync() ? 1 : 0, memberLabels(a, m)))).register(registry);
        memberCounter(registry, arrays, "uraid_member_reads_completed_total", "Reads completed on the member.",
                Member::reads);
        memberCounter(registry, arrays, "uraid_member_writes_completed_total", "Writes completed on the member.",
                Member::writes);
        memberCounter(registry, arrays, "uraid_member_read_bytes_total", "Bytes read from the member.",
                Member::readBytes);
        memberCounter(registry, arrays, "uraid_member_written_bytes_total", "Bytes written to the member.",
                Member::writtenBytes);
        memberCounter(registry, arrays, "uraid_member_errors_total", "I/O errors seen on the member.", Member::errors);
        memberCounter(registry, arrays, "uraid_member_read_time_seconds_total", "Total time reads spent in flight.",
                m -> m.readNanos() / 1e9);
        memberCounter(registry, arrays, "uraid_member_write_time_seconds_total", "Total time writes spent in flight.",
                m -> m.writeNanos() / 1e9);
    }

    private static void arrayGauge(PrometheusRegistry registry, Supplier<List<ArrayView>> arrays, String name,
                                   String help, ToDoubleFunction<ArrayView> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("device").callback(cb -> {
            for (ArrayView a : arrays.get()) {
                cb.call(value.applyAsDouble(a), a.name());
            }
        }).register(registry);
    }

    private static void arrayCounter(PrometheusRegistry registry, Supplier<List<ArrayView>> arrays, String name,
                                     String help, ToDoubleFunction<ArrayView> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("device").callback(cb -> {
            for (ArrayView a : arrays.get()) {
                cb.call(value.applyAsDouble(a), a.name());
            }
        }).register(registry);
    }

    /** Only arrays whose export has a read cache get a sample. */
    private static void cacheCounter(PrometheusRegistry registry, Supplier<List<ArrayView>> arrays, String name,
                                     String help, boolean hits) {
        CounterWithCallback.builder().name(name).help(help).labelNames("device").callback(cb -> {
            for (ArrayView a : arrays.get()) {
                if (a.cache() != null) {
                    cb.call(hits ? a.cache().hits() : a.cache().misses(), a.name());
                }
            }
        }).register(registry);
    }

    private static void memberCounter(PrometheusRegistry registry, Supplier<List<ArrayView>> arrays, String name,
                                      String help, ToDoubleFunction<Member> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("device", "member", "role")
                .callback(cb -> eachMember(arrays, (a, m) -> cb.call(value.applyAsDouble(m), memberLabels(a, m))))
                .register(registry);
    }

    private static void eachMember(Supplier<List<ArrayView>> arrays,
                                   java.util.function.BiConsumer<ArrayView, Member> action) {
        for (ArrayView a : arrays.get()) {
            for (Member m : a.array().members()) {
                if (m.device() != null) {
                    action.accept(a, m);
                }
            }
        }
    }

    private static String[] memberLabels(ArrayView a, Member m) {
        return new String[] {a.name(), m.device().path().toString(), Integer.toString(m.role())};
    }
}
