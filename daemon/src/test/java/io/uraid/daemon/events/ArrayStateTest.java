package io.uraid.daemon.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.core.array.MemberState;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events between two looks at an array, against what mdadm --monitor reported for the same
 * sequence on Linux 6.1 (uml-run, --delay=1 --increment=20, program arguments as received):
 * "Fail /dev/md0 /dev/ubdc", "RebuildStarted /dev/md0", "Rebuild25..81", "RebuildFinished
 * /dev/md0", "SpareActive /dev/md0 /dev/ubde", and "DegradedArray /dev/md1" for an array first
 * seen degraded. mdadm names the percent it happened to see; uraid the multiple it passed.
 */
class ArrayStateTest {
    private static final SyncStatus IDLE = new SyncStatus(SyncAction.IDLE, 0, 0, 0, 0, 0, SyncAction.IDLE, true);

    private static ArrayState mirror(String a, MemberState sa, String b, MemberState sb, SyncStatus sync) {
        return new ArrayState("md0", 1, new String[] {a, b}, new MemberState[] {sa, sb}, new String[2], 0, sync);
    }

    private static SyncStatus recovering(double percent) {
        return new SyncStatus(SyncAction.RECOVER, (long) (percent * 1000), 100_000, 1000, 10, 0, SyncAction.IDLE,
                true);
    }

    private static List<String> names(List<MdEvent> events) {
        return events.stream().map(MdEvent::toString).toList();
    }

    @Test
    void aMemberFailingIsFailWithItsDevice() {
        var before = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubdc", MemberState.IN_SYNC, IDLE);
        var after = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubdc", MemberState.FAULTY, IDLE);
        assertEquals(List.of("Fail md0 /dev/ubdc"), names(after.since(before, 20)));
        assertEquals(MdEvent.CRITICAL, after.since(before, 20).get(0).priority());
        var removed = mirror("/dev/ubdb", MemberState.IN_SYNC, null, MemberState.MISSING, IDLE);
        assertEquals(List.of(), names(removed.since(after, 20)), "removing a faulty member is no event");
        assertEquals(List.of("Fail md0 /dev/ubdc"), names(removed.since(before, 20)),
                "failed and removed between two looks: still a Fail");
    }

    @Test
    void aRebuildIsStartedProgressFinishedThenSpareActive() {
        var degraded = mirror("/dev/ubdb", MemberState.IN_SYNC, null, MemberState.MISSING, IDLE);
        var started = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.REBUILDING, recovering(25));
        assertEquals(List.of("RebuildStarted md0", "Rebuild20 md0"), names(started.since(degraded, 20)));
        var later = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.REBUILDING, recovering(81));
        assertEquals(List.of("Rebuild40 md0", "Rebuild60 md0", "Rebuild80 md0"), names(later.since(started, 20)));
        var done = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.IN_SYNC,
                new SyncStatus(SyncAction.IDLE, 100_000, 100_000, 1000, 0, 0, SyncAction.RECOVER, true));
        assertEquals(List.of("RebuildFinished md0", "SpareActive md0 /dev/ubde"), names(done.since(later, 20)));
        assertEquals(MdEvent.WARNING, done.since(later, 20).get(0).priority());
        assertEquals(MdEvent.INFO, done.since(later, 20).get(1).priority());
    }

    @Test
    void aRebuildBetweenTwoLooksIsStillReportedInOrder() {
        var degraded = mirror("/dev/ubdb", MemberState.IN_SYNC, null, MemberState.MISSING, IDLE);
        var done = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.IN_SYNC,
                new SyncStatus(SyncAction.IDLE, 100_000, 100_000, 1000, 0, 0, SyncAction.RECOVER, true));
        assertEquals(List.of("RebuildStarted md0", "Rebuild20 md0", "Rebuild40 md0", "Rebuild60 md0",
                "Rebuild80 md0", "RebuildFinished md0", "SpareActive md0 /dev/ubde"), names(done.since(degraded, 20)));
    }

    @Test
    void aSpareFailingWhileRebuiltIsFailSpare() {
        var rebuilding = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.REBUILDING,
                recovering(30));
        var failed = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubde", MemberState.FAULTY,
                new SyncStatus(SyncAction.IDLE, 30_000, 100_000, 1000, 0, 0, SyncAction.RECOVER, false));
        assertEquals(List.of("FailSpare md0 /dev/ubde", "RebuildFinished md0"), names(failed.since(rebuilding, 20)));
    }

    @Test
    void aCheckThatFoundMismatchesSaysSoInRebuildFinished() {
        var checking = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubdc", MemberState.IN_SYNC,
                new SyncStatus(SyncAction.CHECK, 90_000, 100_000, 1000, 1, 8, SyncAction.IDLE, true));
        var checked = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubdc", MemberState.IN_SYNC,
                new SyncStatus(SyncAction.IDLE, 100_000, 100_000, 1000, 0, 16, SyncAction.CHECK, true));
        assertEquals(List.of("RebuildFinished md0  mismatches found: 16 (on raid level 1)"),
                names(checked.since(checking, 20)));
    }

    @Test
    void anArrayFirstSeenIsNewAndMaybeDegradedOrShortOfSpares() {
        var degraded = mirror("/dev/ubdd", MemberState.IN_SYNC, null, MemberState.MISSING, IDLE);
        assertEquals(List.of("NewArray md0", "DegradedArray md0", "SparesMissing md0"),
                names(degraded.firstSeen(1)));
        var whole = mirror("/dev/ubdb", MemberState.IN_SYNC, "/dev/ubdc", MemberState.IN_SYNC, IDLE);
        assertEquals(List.of("NewArray md0"), names(whole.firstSeen(-1)));
        assertEquals(List.of(), names(whole.since(whole, 20)), "nothing changed, nothing to say");
    }
}
