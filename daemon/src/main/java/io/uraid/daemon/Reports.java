package io.uraid.daemon;

import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.ConfigLines;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.report.MdstatFormatter;
import io.uraid.daemon.nbd.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Status text for the control verbs, through raid-core's mdstat and mdadm --detail formatters.
 * Where md names the block device (/dev/mdX), uraid names what clients open: the array's NBD
 * export URI on the daemon's first endpoint.
 */
final class Reports {
    private Reports() {
    }

    static String mdstat(List<ManagedArray> arrays) {
        List<ArrayStatus> all = new ArrayList<>();
        java.util.Set<String> readOnly = new java.util.HashSet<>();
        for (ManagedArray m : arrays) {
            all.add(ArrayStatus.of(m.name(), m.open()));
            if (m.export().readOnly()) {
                readOnly.add(m.name());
            }
        }
        return MdstatFormatter.format(all, readOnly);
    }

    /** {@code detail --scan}: DEVICE and ARRAY lines this daemon's config accepts, one array each. */
    static String scan(List<ManagedArray> arrays) {
        List<ConfigLines.Array> lines = new ArrayList<>();
        for (ManagedArray m : arrays) {
            ArrayStatus s = ArrayStatus.of(m.name(), m.open());
            if (s.uuid() != null) {
                lines.add(ConfigLines.of(m.name(), s));
            }
        }
        return ConfigLines.format(lines);
    }

    static String detail(ManagedArray m, List<Endpoint> endpoints) {
        return DetailFormatter.format(ArrayStatus.of(exportUri(m, endpoints), m.open()), homehost());
    }

    static String detailJson(ManagedArray m, List<Endpoint> endpoints) {
        return DetailFormatter.json(ArrayStatus.of(exportUri(m, endpoints), m.open())) + "\n";
    }

    /** The export's URI on the first endpoint ("nbd+unix:///data?socket=/run/uraid/nbd.sock"), or its name. */
    static String exportUri(ManagedArray m, List<Endpoint> endpoints) {
        return endpoints.isEmpty() ? m.name() : endpoints.get(0).uri(m.name());
    }

    static String homehost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
