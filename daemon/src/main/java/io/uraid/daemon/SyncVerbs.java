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

    /** {@code check NAME [--wait]} or {@code repair NAME [--wait]}. */
    String scrub(SyncAction action, List<String> args) throws IOException {
        boolean wait = args.size() == 2 && args.get(1).equals("--wait");
        if (args.isEmpty() || args.size() > 2 || args.size() == 2 && !wait) {
            throw new IllegalArgumentException("usage: " + action.mdName() + " NAME [--wait]");
        }
        ManagedArray m = daemon.get(args.get(0));
        Redundancy red = m.open().redundancy();
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
        int role = m.roleOf(Path.of(args.get(1)));
        if (role < 0) {
            throw new IOException(args.get(1) + " is not a member of " + m.name());
        }
        if (m.array().members()[role].state() != MemberState.IN_SYNC) {
            throw new IOException(args.get(1) + " is not an active member of " + m.name() + "; use add to "
                    + "rebuild its role");
        }
        Path spare = Path.of(args.get(3));
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
