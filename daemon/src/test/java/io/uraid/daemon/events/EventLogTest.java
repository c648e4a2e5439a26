package io.uraid.daemon.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The numbered event log that followers read from a point of their own, and its delivery to listeners. */
class EventLogTest {
    private static MdEvent e(String name) {
        return new MdEvent(name, "md0", null);
    }

    private static List<String> names(EventLog.Batch b) {
        List<String> out = new ArrayList<>();
        b.entries().forEach(en -> out.add(en.seq() + ":" + en.event().event()));
        return out;
    }

    @Test
    void eventsAreNumberedFromOneAndReadFromAnyPointStillHeld() throws Exception {
        EventLog log = new EventLog(4);
        assertEquals(1, log.next());
        assertEquals(1, log.append(e("NewArray")));
        assertEquals(2, log.append(e("Fail")));
        assertEquals(3, log.append(e("RebuildStarted")));
        assertEquals(List.of("1:NewArray", "2:Fail", "3:RebuildStarted"), names(log.read(1, 100, 0)));
        EventLog.Batch fromTwo = log.read(2, 1, 0);
        assertEquals(List.of("2:Fail"), names(fromTwo), "at most max");
        assertEquals(3, fromTwo.next());
        assertEquals(List.of(), names(log.read(4, 100, 0)), "nothing new yet");
    }

    @Test
    void aReaderThatFellBehindIsToldHowManyItLost() throws Exception {
        EventLog log = new EventLog(4);
        for (int i = 1; i <= 10; i++) {
            log.append(e("Rebuild" + i));
        }
        EventLog.Batch b = log.read(2, 100, 0);
        assertEquals(5, b.lost(), "events 2..6 are no longer held");
        assertEquals(List.of("7:Rebuild7", "8:Rebuild8", "9:Rebuild9", "10:Rebuild10"), names(b));
        assertEquals(11, b.next());
    }

    @Test
    void aWaitingReaderGetsTheNextEventAndCloseReleasesIt() throws Exception {
        EventLog log = new EventLog(8);
        CompletableFuture<EventLog.Batch> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return log.read(1, 10, 60_000);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(50);
        log.append(e("Fail"));
        assertEquals(List.of("1:Fail"), names(waiting.get()));
        CompletableFuture<EventLog.Batch> idle = CompletableFuture.supplyAsync(() -> {
            try {
                return log.read(2, 10, 60_000);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        long t0 = System.nanoTime();
        log.close();
        assertTrue(idle.get().entries().isEmpty());
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "released by close, not by its timeout");
    }

    @Test
    void aListenerGetsEveryEventPublishedAfterItStartedInOrder() throws Exception {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Events events = new Events(null)) {
            events.publish(e("Before"));
            events.listen(x -> got.add(x.event()));
            Thread[] publishers = new Thread[4];
            for (int p = 0; p < publishers.length; p++) {
                int id = p;
                publishers[p] = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        events.publish(e("P" + id + "-" + i));
                    }
                });
                publishers[p].start();
            }
            for (Thread t : publishers) {
                t.join();
            }
        } // close delivers what was published
        assertEquals(1000, got.size(), "every event after listen, none before");
        for (int p = 0; p < 4; p++) {
            int id = p;
            List<Integer> mine = got.stream().filter(s -> s.startsWith("P" + id + "-"))
                    .map(s -> Integer.parseInt(s.substring(s.indexOf('-') + 1))).toList();
            assertEquals(java.util.stream.IntStream.range(0, 250).boxed().toList(), mine,
                    "each publisher's events in the order it published them");
        }
    }
}
