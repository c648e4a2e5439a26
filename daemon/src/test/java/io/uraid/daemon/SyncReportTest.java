package io.uraid.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import org.junit.jupiter.api.Test;

class SyncReportTest {
    private static final SyncStatus NEVER = new SyncStatus(SyncAction.IDLE, 0, 0, 0, 0, 0, SyncAction.IDLE, true);

    @Test
    void nothingToSayBeforeAnyCheck() {
        assertEquals("", SyncReport.mdstatLines(NEVER));
        assertEquals("", SyncReport.detailFields(NEVER));
        assertEquals(",\"sync_action\":\"idle\",\"sync_percent\":100.0,\"mismatch_cnt\":0", SyncReport.jsonFields(NEVER));
    }

    @Test
    void aRunningCheckShowsProgressLikeMdstat() {
        SyncStatus s = new SyncStatus(SyncAction.CHECK, 512L << 20, 1024L << 20, 100L << 20, 90, 16,
                SyncAction.IDLE, true);
        assertEquals("      [==========>.........]  check = 50.0% (524288/1048576) finish=1.5min speed=102400K/sec\n"
                + "      mismatch_cnt=16\n", SyncReport.mdstatLines(s));
        assertEquals("      Check Status : 50% complete\n      Mismatch Cnt : 16\n\n", SyncReport.detailFields(s));
    }

    @Test
    void aRebuildIsRecoveryAndShowsNoMismatchCount() {
        SyncStatus s = new SyncStatus(SyncAction.RECOVER, 1L << 20, 4L << 20, 1L << 20, -1, 0, SyncAction.IDLE, true);
        assertEquals("      [=====>..............]  recovery = 25.0% (1024/4096) finish=? speed=1024K/sec\n",
                SyncReport.mdstatLines(s));
        assertEquals("    Rebuild Status : 25% complete\n\n", SyncReport.detailFields(s));
    }

    @Test
    void afterACompletedRepairTheCountStays() {
        SyncStatus s = new SyncStatus(SyncAction.IDLE, 8, 8, 1, 0, 24, SyncAction.REPAIR, true);
        assertEquals("      mismatch_cnt=24\n", SyncReport.mdstatLines(s));
        assertEquals("      Mismatch Cnt : 24\n\n", SyncReport.detailFields(s));
    }
}
