package io.uraid.daemon;

import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.report.MdstatFormatter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Status text for the control verbs, through raid-core's mdstat and mdadm --detail formatters. */
final class Reports {
    private Reports() {
    }

    static String mdstat(List<ManagedArray> arrays) {
        List<ArrayStatus> all = new ArrayList<>();
        for (ManagedArray m : arrays) {
            all.add(status(m, m.name()));
        }
        return MdstatFormatter.format(all);
    }

    static String detail(ManagedArray m) {
        return DetailFormatter.format(status(m, "/dev/md/" + m.name()), homehost());
    }

    static String detailJson(ManagedArray m) {
        String json = DetailFormatter.json(status(m, m.name()));
        return json.endsWith("\n") ? json : json + "\n";
    }

    private static ArrayStatus status(ManagedArray m, String device) {
        return ArrayStatus.of(device, m.open());
    }

    private static String homehost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
