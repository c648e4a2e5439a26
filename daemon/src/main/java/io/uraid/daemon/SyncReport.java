package io.uraid.daemon;

import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import java.util.Locale;

/**
 * The sync part of status and detail: the progress of a running pass (laid out as md prints it
 * in /proc/mdstat and mdadm --detail) and mismatch_cnt once a check or repair has run. Pure text
 * from a {@link SyncStatus}; {@link Reports} splices it into the formatters' output.
 */
final class SyncReport {
    private static final int BAR = 20;

    private SyncReport() {
    }

    /** True once a check or repair has run or is running: from then on mismatch_cnt is reported. */
    static boolean scrubbed(SyncStatus s) {
        return isScrub(s.action()) || isScrub(s.lastAction()) || s.mismatches() > 0;
    }

    private static boolean isScrub(SyncAction a) {
        return a == SyncAction.CHECK || a == SyncAction.REPAIR;
    }

    /** Lines for one mdstat stanza (each ends with a newline; empty when there is nothing to say). */
    static String mdstatLines(SyncStatus s) {
        StringBuilder b = new StringBuilder();
        if (s.running()) {
            int filled = (int) Math.min(BAR - 1, Math.floor(s.percent() / 100.0 * BAR));
            b.append("      [").append("=".repeat(filled)).append('>').append(".".repeat(BAR - 1 - filled))
                    .append("]  ").append(mdName(s.action()))
                    .append(String.format(Locale.ROOT, " = %4.1f%% (%d/%d) finish=%s speed=%dK/sec%n", s.percent(),
                            s.doneBytes() >> 10, s.totalBytes() >> 10, finish(s), s.bytesPerSecond() >> 10));
        }
        if (scrubbed(s)) {
            b.append("      mismatch_cnt=").append(s.mismatches()).append('\n');
        }
        return b.toString().replace(System.lineSeparator(), "\n");
    }

    /** mdadm --detail fields (label right-aligned to column 20, as the formatter does). */
    static String detailFields(SyncStatus s) {
        StringBuilder b = new StringBuilder();
        if (s.running()) {
            field(b, statusLabel(s.action()), (int) s.percent() + "% complete");
        }
        if (scrubbed(s)) {
            field(b, "Mismatch Cnt", Long.toString(s.mismatches()));
        }
        return b.length() == 0 ? "" : b.append('\n').toString();
    }

    /** JSON members to add to the detail object (leading comma included). */
    static String jsonFields(SyncStatus s) {
        return String.format(Locale.ROOT, ",\"sync_action\":\"%s\",\"sync_percent\":%.1f,\"mismatch_cnt\":%d",
                s.action().mdName(), s.percent(), s.mismatches());
    }

    /** md calls rebuilding a member "recovery" in mdstat. */
    private static String mdName(SyncAction a) {
        return a == SyncAction.RECOVER ? "recovery" : a.mdName();
    }

    private static String statusLabel(SyncAction a) {
        return switch (a) {
            case RECOVER -> "Rebuild Status";
            case CHECK -> "Check Status";
            case REPAIR -> "Repair Status";
            default -> "Resync Status";
        };
    }

    private static String finish(SyncStatus s) {
        return s.etaSeconds() < 0 ? "?" : String.format(Locale.ROOT, "%.1fmin", s.etaSeconds() / 60.0);
    }

    private static void field(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%18s : %s", label, value)).append('\n');
    }
}
