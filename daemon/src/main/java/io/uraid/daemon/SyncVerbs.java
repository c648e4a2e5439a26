package io.uraid.daemon;

import io.uraid.core.array.MemberState;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The control verbs that drive the sync engine of a running array: {@code check} and
 * {@code repair} (md's sync_action) and {@code replace} (mdadm --replace). With {@code --wait}
 * check and repair answer only when the pass is over, with its mismatch count.
 */
final class SyncVerbs {
    private static final Logger LOG = Logger.getLogger(SyncVerbs.class.getName());
    /** A control client waits at most this long for a pass to end (the pass itself goes on). */
    private static final long WAIT_LIMIT_MILLIS = TimeUnit.HOURS.toMillis(24);

    private final Daemon daemon;

    SyncVerbs(Daemon daemon) {
        this.daemon = daemon;
    }

    /** {@code check NAME [--wait]}, {@code repair NAME [--wait]}, or either with {@code --abort}. */
    String scrub(SyncAction action, List<String> args) throws IOException {
        boolean wait = args.size() == 2 && args.get(1).equals("--wait");
        boolean abort = args.size() == 2 && args.get(1).equals("--abort");
        if (args.isEmpty() || args.size() > 2 || args.size() == 2 && !wait && !abort) {
            throw new IllegalArgumentException("usage: " + action.mdName() + " NAME [--wait | --abort]");
        }
        ManagedArray m = daemon.get(args.get(0));
        Redundancy red = m.open().redundancy();
        if (abort) {
            return abort(m, red);
        }
        if (red.sync() == null) {
            throw new IOException(m.name() + " is " + m.array().level().name() + ": it has no redundancy to "
                    + action.mdName());
        }
        if (!red.request(action)) {
            throw new IOException(m.name() + ": cannot start " + action.mdName() + ": "
                    + red.syncStatus().action().mdName() + " is running");
        }
        if (action == SyncAction.REPAIR && m.export().cache() != null) {
            // Repair may rewrite a copy a cached read came from: drop what was read before it.
            m.export().cache().clear();
        }
        LOG.info("array " + m.name() + ": " + action.mdName() + " started by request");
        if (!wait) {
            return action.mdName() + " started on " + m.name() + "\n";
        }
        try {
            if (!red.awaitSyncIdle(WAIT_LIMIT_MILLIS)) {
                throw new IOException(m.name() + ": " + action.mdName() + " still running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + action.mdName());
        }
        SyncStatus s = red.syncStatus();
        if (s.lastAction() != action || !s.lastCompleted()) {
            throw new IOException(m.name() + ": " + action.mdName() + " did not complete (last pass: "
                    + s.lastAction().mdName() + (s.lastCompleted() ? "" : ", interrupted") + ")");
        }
        return action.mdName() + " of " + m.name() + " complete: mismatch_cnt " + s.mismatches() + "\n";
    }

    /**
     * md's {@code echo idle > sync_action} for a check or repair: the pass stops after its
     * current window (mismatch_cnt keeps what it counted so far). A resync or rebuild is not
     * stopped: the copies must converge.
     */
    private String abort(ManagedArray m, Redundancy red) throws IOException {
        SyncAction running = red.syncStatus().action();
        if (running != SyncAction.CHECK && running != SyncAction.REPAIR) {
            throw new IOException(m.name() + ": no check or repair is running"
                    + (running == SyncAction.IDLE ? "" : " (" + running.mdName() + " is, and goes on)"));
        }
        red.stopSync();
        try {
            if (!red.awaitSyncIdle(30_000)) {
                throw new IOException(m.name() + ": " + running.mdName() + " did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping " + running.mdName());
        }
        LOG.info("array " + m.name() + ": " + running.mdName() + " aborted by request");
        return running.mdName() + " of " + m.name() + " aborted at " + String.format(java.util.Locale.ROOT, "%.1f%%",
                100.0 * red.syncStatus().doneBytes() / Math.max(1, red.syncStatus().totalBytes())) + "\n";
    }

    /** {@code replace NAME DEV --with SPARE}. */
    String replace(List<String> args) throws IOException {
        if (args.size() != 4 || !args.get(2).equals("--with")) {
            throw new IllegalArgumentException("usage: replace NAME DEV --with SPARE");
        }
        ManagedArray m = daemon.get(args.get(0));
        if (!m.array().level().redundant()) {
            throw new IOException(m.name() + " is " + m.array().level().name() + ": it has no redundancy to "
                    + "replace a member");
        }
        int role = m.roleOf(io.uraid.io.remote.DevicePaths.of(args.get(1)));
        if (role < 0) {
            throw new IOException(args.get(1) + " is not a member of " + m.name());
        }
        if (m.array().members()[role].state() != MemberState.IN_SYNC) {
            throw new IOException(args.get(1) + " is not an active member of " + m.name() + "; use add to "
                    + "rebuild its role");
        }
        Path spare = io.uraid.io.remote.DevicePaths.of(args.get(3));
        if (m.roleOf(spare) >= 0) {
            throw new IOException(args.get(3) + " is already a member of " + m.name());
        }
        boolean started;
        try (var prepare = io.uraid.io.IoEngines.openBest(8)) {
            started = m.open().replace(role, spare, prepare, false);
        }
        if (!started) {
            throw new IOException(m.name() + ": cannot replace " + args.get(1) + " now: "
                    + m.open().redundancy().syncStatus().action().mdName() + " is running");
        }
        LOG.warning("array " + m.name() + ": replacing " + args.get(1) + " with " + args.get(3));
        return "replacing " + args.get(1) + " in " + m.name() + " with " + args.get(3) + "\n";
    }
}
