package io.uraid.daemon.events;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ArrayWatch} compares between two looks at an array, as mdadm compares two reads
 * of /proc/mdstat and the array's disk table: each role's device and state, the devices being
 * copied in as replacements, the spares waiting, and the sync pass.
 *
 * @param paths        the device of each role (null when missing)
 * @param states       the state of each role
 * @param replacements the device replacing each role's member (null when none)
 */
public record ArrayState(String name, int level, String[] paths, MemberState[] states, String[] replacements,
                         int spares, SyncStatus sync) {

    /**
     * A look at {@code open} through {@code io}: on the array's dispatcher thread (or before it
     * starts), where no state changes under the look.
     */
    public static ArrayState of(String name, OpenArray open, ArrayIo io) {
        int n = io.raidDisks();
        String[] paths = new String[n];
        MemberState[] states = new MemberState[n];
        String[] reps = new String[n];
        for (int r = 0; r < n; r++) {
            Member m = io.member(r);
            paths[r] = path(m);
            states[r] = m.state();
            Member rep = io.slot(r + n);
            reps[r] = rep == m ? null : path(rep); // the role's own member when it has no replacement
        }
        Redundancy red = open.redundancy();
        return new ArrayState(name, open.array().geometry().level(), paths, states, reps, red.spareCount(),
                red.sync() == null ? null : red.syncStatus());
    }

    private static String path(Member m) {
        return m == null || m.device() == null ? null : m.device().path().toString();
    }

    public boolean degraded() {
        for (MemberState s : states) {
            if (s != MemberState.IN_SYNC) {
                return true;
            }
        }
        return false;
    }

    /** Events of an array seen for the first time: NewArray, and DegradedArray / SparesMissing as they apply. */
    public List<MdEvent> firstSeen(int sparesWanted) {
        List<MdEvent> out = new ArrayList<>();
        out.add(new MdEvent("NewArray", name, null));
        if (degraded() && level != 0 && level != -1) {
            out.add(new MdEvent("DegradedArray", name, null));
        }
        if (sparesWanted > spares) {
            out.add(new MdEvent("SparesMissing", name, null));
        }
        return out;
    }

    /**
     * The events between {@code before} and this look. A change that began and ended between two
     * looks is still reported: a member that left an in-sync role without being seen faulty
     * failed; a role found in sync on a device that was not, was rebuilt (RebuildStarted,
     * RebuildFinished, SpareActive); a pass that began and ended unseen leaves a different last
     * pass behind.
     *
     * @param increment percent between RebuildNN events (mdadm's --increment, 20 by default)
     */
    public List<MdEvent> since(ArrayState before, int increment) {
        List<MdEvent> out = new ArrayList<>();
        boolean rebuiltUnseen = false;
        List<MdEvent> activated = new ArrayList<>();
        // By device, not by role: a grow adds roles, and dropping one moves the devices above it down.
        java.util.Map<String, MemberState> wasByDevice = before.byDevice();
        java.util.Map<String, MemberState> nowByDevice = byDevice();
        for (var e : wasByDevice.entrySet()) {
            MemberState nowState = nowByDevice.get(e.getKey());
            if (e.getValue() == MemberState.IN_SYNC && nowState != MemberState.IN_SYNC) {
                out.add(new MdEvent("Fail", name, e.getKey()));
            } else if (e.getValue() == MemberState.REBUILDING && nowState != MemberState.REBUILDING
                    && nowState != MemberState.IN_SYNC) {
                out.add(new MdEvent("FailSpare", name, e.getKey()));
            }
        }
        for (int r = 0; r < paths.length; r++) {
            MemberState wasState = paths[r] == null ? null : wasByDevice.get(paths[r]);
            if (states[r] == MemberState.IN_SYNC && wasState != MemberState.IN_SYNC) {
                activated.add(new MdEvent("SpareActive", name, paths[r]));
                rebuiltUnseen |= wasState != MemberState.REBUILDING;
            }
        }
        for (int r = 0; r < replacements.length && r < before.replacements.length; r++) {
            String was = before.replacements[r];
            if (was != null && !was.equals(replacements[r]) && !was.equals(paths[r])) {
                out.add(new MdEvent("FailSpare", name, was)); // a replacement that went without taking the role
            }
        }
        out.addAll(syncEvents(before.sync, sync, increment, rebuiltUnseen));
        out.addAll(activated);
        return out;
    }

    /** The state of each role's device, by path (roles without a device left out). */
    private java.util.Map<String, MemberState> byDevice() {
        java.util.Map<String, MemberState> m = new java.util.LinkedHashMap<>();
        for (int r = 0; r < paths.length; r++) {
            if (paths[r] != null) {
                m.put(paths[r], states[r]);
            }
        }
        return m;
    }

    private List<MdEvent> syncEvents(SyncStatus was, SyncStatus now, int increment, boolean rebuiltUnseen) {
        List<MdEvent> out = new ArrayList<>();
        if (was == null || now == null) {
            return out;
        }
        if (!was.running() && now.running()) {
            out.add(new MdEvent("RebuildStarted", name, null));
            progress(out, 0, now.percent(), increment);
        } else if (was.running() && now.running() && was.action() == now.action()) {
            progress(out, was.percent(), now.percent(), increment);
        } else if (was.running() && !now.running()) {
            progress(out, was.percent(), now.lastCompleted() ? 100 : was.percent(), increment);
            out.add(finished(now));
        } else if (was.running() && now.running()) { // one pass ended and another began between two looks
            out.add(finished(now));
            out.add(new MdEvent("RebuildStarted", name, null));
        } else if (!now.running() && (rebuiltUnseen || !sameIdle(was, now))) {
            out.add(new MdEvent("RebuildStarted", name, null));
            progress(out, 0, 100, increment);
            out.add(finished(now));
        }
        return out;
    }

    /** mdadm's RebuildFinished, with " mismatches found: N (on raid level L)" after a check that found some. */
    private MdEvent finished(SyncStatus now) {
        boolean scrub = now.lastAction() == SyncAction.CHECK || now.lastAction() == SyncAction.REPAIR;
        return new MdEvent("RebuildFinished", name, scrub && now.mismatches() > 0
                ? " mismatches found: " + now.mismatches() + " (on raid level " + level + ")" : null);
    }

    /** RebuildNN for every multiple of {@code increment} passed from {@code from} to {@code to} percent (below 100). */
    private void progress(List<MdEvent> out, double from, double to, int increment) {
        for (int p = ((int) from / increment + 1) * increment; p <= to && p < 100; p += increment) {
            out.add(new MdEvent(String.format(java.util.Locale.ROOT, "Rebuild%02d", p), name, null));
        }
    }

    private static boolean sameIdle(SyncStatus a, SyncStatus b) {
        return a.lastAction() == b.lastAction() && a.totalBytes() == b.totalBytes() && a.doneBytes() == b.doneBytes()
                && a.bytesPerSecond() == b.bytesPerSecond() && a.lastCompleted() == b.lastCompleted();
    }
}
