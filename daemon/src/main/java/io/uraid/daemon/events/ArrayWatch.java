package io.uraid.daemon.events;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.RaidArray;
import io.uraid.core.array.StateObserver;
import io.uraid.core.assembly.OpenArray;
import java.util.ArrayList;
import java.util.List;

/**
 * One array's md events, published as they happen. Attached before the array starts, it takes
 * its first look there (NewArray, DegradedArray, SparesMissing); from then on the array calls
 * it on its dispatcher thread after every turn that changed a member, a replacement or the sync
 * pass, and it publishes what changed since its last look ({@link ArrayState#since}). Nothing
 * changes between a change and the look that reports it, so no state goes unseen and the
 * events come in the order things happened, however busy the host. {@link #poll} adds looks
 * while nothing changes state (a pass's progress: Rebuild20, Rebuild40...).
 *
 * <p>Events found before {@link #arm} (the array is not in service yet) are held, then
 * published; after {@link #close} nothing more is reported.
 */
public final class ArrayWatch implements StateObserver {
    private final String name;
    private final OpenArray open;
    private final Events events;
    private ArrayState last;
    private List<MdEvent> held = new ArrayList<>();
    private boolean closed;

    private ArrayWatch(String name, OpenArray open, Events events) {
        this.name = name;
        this.open = open;
        this.events = events;
    }

    /**
     * Watches {@code open}, which must not have started: registers with the array and takes the
     * first look.
     *
     * @param sparesWanted the spares= of the array's config line, or -1
     */
    public static ArrayWatch attach(String name, OpenArray open, int sparesWanted, Events events) {
        ArrayWatch w = new ArrayWatch(name, open, events);
        RaidArray array = open.array();
        array.callBeforeStart(io -> w.first(io, sparesWanted));
        array.observe(w);
        return w;
    }

    /**
     * Watches {@code next}, the same array assembled again in a new shape ({@code uraid grow}),
     * which must not have started: its first look reports what changed since {@code before}'s
     * last look (a member added or dropped), not a new array.
     */
    public static ArrayWatch attachAfter(ArrayWatch before, OpenArray next, Events events) {
        ArrayWatch w = new ArrayWatch(before.name, next, events);
        RaidArray array = next.array();
        array.callBeforeStart(io -> w.firstAfter(io, before.lastState()));
        array.observe(w);
        return w;
    }

    private synchronized ArrayState lastState() {
        return last;
    }

    private synchronized void firstAfter(ArrayIo io, ArrayState previous) {
        last = ArrayState.of(name, open, io);
        held.addAll(previous == null ? last.firstSeen(-1) : last.since(previous, Monitor.INCREMENT));
    }

    public String name() {
        return name;
    }

    private synchronized void first(ArrayIo io, int sparesWanted) {
        last = ArrayState.of(name, open, io);
        held.addAll(last.firstSeen(sparesWanted));
    }

    /** The array is in service: publishes what was found so far, and from now on every event at once. */
    public synchronized void arm() {
        if (held != null && !closed) {
            held.forEach(events::publish);
        }
        held = null;
    }

    /** Called by the array on its dispatcher thread after a turn that changed its state. */
    @Override
    public void changed(ArrayIo io) {
        look(io);
    }

    private synchronized void look(ArrayIo io) {
        if (closed) {
            return;
        }
        ArrayState now = ArrayState.of(name, open, io);
        List<MdEvent> found = now.since(last, Monitor.INCREMENT);
        last = now;
        if (held != null) {
            held.addAll(found);
        } else {
            found.forEach(events::publish);
        }
    }

    /**
     * A look on the array's dispatcher thread now, for what changes without a state change (the
     * progress of a sync pass). Waits for the dispatcher, so a look that returns also says the
     * array answers; false when the array no longer runs.
     */
    public boolean poll() {
        if (!watching()) {
            return false;
        }
        RaidArray array = open.array();
        array.callOnDispatcher(() -> array.withIo(io -> {
            look(io);
            return null;
        }));
        return true;
    }

    /** True until closed, while the array runs. */
    public synchronized boolean watching() {
        return !closed && open.array().running();
    }

    /** Reports nothing more (the array is being stopped: its last event is DeviceDisappeared). */
    public synchronized void close() {
        closed = true;
        held = null;
    }
}
