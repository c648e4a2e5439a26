package io.uraid.daemon.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.SyncAction;
import io.uraid.daemon.testing.TestArrays;
import io.uraid.io.IoEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A watched array reports every change as it happens, on its own dispatcher thread: the events
 * of a fail, remove and spare rebuild are all there, in order, with no monitor looking at the
 * array at all (a poller that looks between changes can miss those that begin and end between
 * two looks, or see an array for the first time only after it has changed).
 */
class ArrayWatchTest {

    /** Every event the log holds, as "EVENT ARRAY [COMPONENT]". */
    private static List<String> logged(Events events) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (EventLog.Entry e : events.log().read(1, 1000, 0).entries()) {
            out.add(e.event().toString());
        }
        return out;
    }

    /**
     * The log once it holds {@code last} (the pass's end is published in the dispatcher turn
     * after the one a waiter may see it idle in).
     */
    private static List<String> loggedThrough(Events events, String last) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> seen = logged(events);
        while (!seen.contains(last) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            seen = logged(events);
        }
        return seen;
    }

    @Test
    void aFailRemoveAndSpareRebuildAreReportedInOrderWithoutAnyPolling() throws Exception {
        try (TestArrays t = new TestArrays("watch", 2, 16L << 20); TestArrays s = new TestArrays("spare", 1, 16L << 20);
             Events events = new Events(null)) {
            t.create("mir", "raid1");
            List<Path> members = t.members;
            Path spare = s.members.get(0);
            ArrayWatch[] watch = new ArrayWatch[1];
            try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, TestArrays.engine(),
                    o -> watch[0] = ArrayWatch.attach("mir", o, -1, events))) {
                assertEquals(List.of(), logged(events), "nothing before the array is in service");
                watch[0].arm();
                assertTrue(open.array().fail(1));
                long until = System.nanoTime() + 30_000_000_000L;
                while (!open.removeMember(1) && System.nanoTime() < until) {
                    Thread.sleep(5); // legs still in flight to it (the start's superblock update)
                }
                assertEquals(null, open.member(1).device(), "removed");
                try (IoEngine prepare = TestArrays.engine()) {
                    open.addSpare(spare, prepare, false);
                }
                assertTrue(open.redundancy().awaitSyncIdle(60_000));
                assertEquals(SyncAction.RECOVER, open.redundancy().syncStatus().lastAction());
                assertEquals(List.of("NewArray mir", "Fail mir " + members.get(1), "RebuildStarted mir",
                        "Rebuild20 mir", "Rebuild40 mir", "Rebuild60 mir", "Rebuild80 mir", "RebuildFinished mir",
                        "SpareActive mir " + spare), loggedThrough(events, "SpareActive mir " + spare));
                watch[0].close();
                assertTrue(open.redundancy().request(SyncAction.CHECK));
                assertTrue(open.redundancy().awaitSyncIdle(60_000));
                assertEquals(9, logged(events).size(), "nothing reported once closed: " + logged(events));
            }
        }
    }

    @Test
    void whatHappensBeforeTheArrayIsInServiceIsHeldThenReportedInOrder() throws Exception {
        try (TestArrays t = new TestArrays("watch-held", 2, 16L << 20); Events events = new Events(null)) {
            t.create("mir", "raid1");
            ArrayWatch[] watch = new ArrayWatch[1];
            try (OpenArray open = Assembler.assemble(t.members, AssembleOptions.DEFAULT, TestArrays.engine(),
                    o -> watch[0] = ArrayWatch.attach("mir", o, 1, events))) {
                assertTrue(open.redundancy().request(SyncAction.CHECK));
                assertTrue(open.redundancy().awaitSyncIdle(60_000));
                assertEquals(List.of(), logged(events), "held until armed");
                watch[0].arm();
                assertEquals(List.of("NewArray mir", "SparesMissing mir", "RebuildStarted mir", "Rebuild20 mir",
                        "Rebuild40 mir", "Rebuild60 mir", "Rebuild80 mir", "RebuildFinished mir"),
                        loggedThrough(events, "RebuildFinished mir"));
            }
        }
    }

    @Test
    void anArrayFirstSeenDegradedIsDegradedArray() throws Exception {
        try (TestArrays t = new TestArrays("watch-deg", 2, 16L << 20); Events events = new Events(null)) {
            t.create("mir", "raid1");
            ArrayWatch[] watch = new ArrayWatch[1];
            try (OpenArray open = Assembler.assemble(t.members.subList(0, 1), AssembleOptions.DEFAULT.withRun(true),
                    TestArrays.engine(), o -> watch[0] = ArrayWatch.attach("mir", o, -1, events))) {
                watch[0].arm();
                assertTrue(open.array().degraded());
                assertEquals(List.of("NewArray mir", "DegradedArray mir"), logged(events));
            }
        }
    }
}
