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
        StringBuilder text = new StringBuilder(MdstatFormatter.format(all));
        for (ManagedArray m : arrays) { // sync progress and mismatch_cnt close each stanza
            int at = text.indexOf("\n" + m.name() + " : ");
            int end = at < 0 ? -1 : text.indexOf("\n\n", at + 1);
            if (end >= 0) {
                text.insert(end + 1, SyncReport.mdstatLines(m.open().redundancy().syncStatus()));
            }
        }
        return text.toString();
    }

    static String detail(ManagedArray m) {
        String text = DetailFormatter.format(status(m, "/dev/md/" + m.name()), homehost());
        int table = text.indexOf("    Number   Major");
        String sync = SyncReport.detailFields(m.open().redundancy().syncStatus());
        return table < 0 ? text + sync : text.substring(0, table) + sync + text.substring(table);
    }

    static String detailJson(ManagedArray m) {
        String json = DetailFormatter.json(status(m, m.name())).stripTrailing();
        int close = json.lastIndexOf('}');
        json = json.substring(0, close) + SyncReport.jsonFields(m.open().redundancy().syncStatus()) + "}";
        return json + "\n";
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
