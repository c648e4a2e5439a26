package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.plan.MemberSetup;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Layout;
import java.util.logging.Logger;

/**
 * The rebuild side of a RECOVER pass of {@link SyncEngine}: which device is rebuilt, what of it
 * was rebuilt before (checkpoints, so a pass cut short resumes), the copies written to it, and
 * its final fsync and promotion. The engine drives the windows; this decides what they mean
 * for the device being rebuilt.
 *
 * <p>Dispatcher thread only, except {@link #copiedBytes()}.
 */
final class RecoverPass {
    /** The engine's logger: a rebuild logs where it always did. */
    private static final Logger LOG = Logger.getLogger(SyncEngine.class.getName());
    /** Token of the final fsync of a rebuilt member (lane tokens are lane << 8 | copy). */
    static final int FSYNC_TOKEN = -1;
    /** Token of a checkpoint's fsync of the member being rebuilt. */
    static final int CHECKPOINT_TOKEN = -2;
    /** Token of the level's writes to the device before the rebuild copies to it. */
    static final int SETUP_TOKEN = -3;

    private final Layout layout;
    private final RecoveryCheckpoint checkpoint;
    /** What is being rebuilt (null before the first recovery). */
    private RecoverTarget target;
    /** Bytes the current or last pass wrote to the member it rebuilds. */
    private volatile long copied;
    /** The member being rebuilt failed (the pass ends incomplete). */
    private boolean failedTarget;
    private boolean fsyncing;
    /** What the level writes to the device first (md clears a raid5 member's log as it joins). */
    private MemberSetup setup = MemberSetup.NONE;
    private int setupIssued;
    private int setupInFlight;

    RecoverPass(Layout layout) {
        this.layout = layout;
        this.checkpoint = new RecoveryCheckpoint(layout);
    }

    /** A pass rebuilding {@code role} starts; see {@link SyncEngine#beginRecover}. */
    void start(ArrayIo io, int role, MdSuperblock superblock, boolean replacement, long resumeFrom) {
        target = new RecoverTarget(role, io.raidDisks(), replacement, superblock);
        checkpoint.start(target, resumeFrom, io.now());
        copied = 0;
        // The level's setup is for a device joining now (md's raid5_add_disk). A rebuild resumed
        // at assembly has had that setup: its raid5 log was read and cleared then (md's ppl_load),
        // and since the array started it may hold log writes of stripes below the resume point,
        // which a second clear would lose.
        setup = resumeFrom > 0 ? MemberSetup.NONE : io.levelIo().setup(role, superblock);
        setupIssued = 0;
        setupInFlight = 0;
        if (resumeFrom > 0) {
            LOG.info(io.name() + ": rebuild of role " + role + " resumes at byte " + resumeFrom + " of its data area");
        }
    }

    long copiedBytes() {
        return copied;
    }

    /** The pass's strategy, which knows what of the target a window or prefix covers. */
    void strategy(io.uraid.core.plan.SyncWindows windows) {
        checkpoint.strategy(windows);
    }

    /** True while a RECOVER pass runs (between {@link #start} and {@link #end}). */
    boolean active() {
        return target != null;
    }

    /** The role being rebuilt. */
    int role() {
        return target.role;
    }

    /** {@code bytes} more were written to the device being rebuilt. */
    void copied(long bytes) {
        copied += bytes;
    }

    /**
     * True until every write of the level's setup of the device has completed: no window may
     * copy to the device before (a rebuild resumed at assembly gets them again; they are idempotent).
     */
    boolean settingUp() {
        return setupIssued < setup.writes() || setupInFlight > 0;
    }

    /** Setup writes are in flight. */
    boolean setupInFlight() {
        return setupInFlight > 0;
    }

    /** Issues the setup writes there is room for; true when it issued any. */
    boolean issueSetup(ArrayIo io, BackgroundTask owner) {
        boolean issued = false;
        while (setupIssued < setup.writes() && io.room() > 0) {
            int i = setupIssued;
            if (!io.write(owner, SETUP_TOKEN, target.slot, setup.offset(i), setup.address(i), setup.length(i), false)) {
                break;
            }
            setupIssued++;
            setupInFlight++;
            issued = true;
        }
        return issued;
    }

    /** A setup write ended: a device that cannot take it fails (the pass then ends incomplete). */
    void setupDone(ArrayIo io, int result) {
        setupInFlight--;
        if (result < 0 && target != null && target.writable(io)) {
            io.failMember(target.slot, result);
        }
    }

    /** The final fsync is in flight. */
    boolean fsyncing() {
        return fsyncing;
    }

    boolean checkpointInFlight() {
        return checkpoint.inFlight();
    }

    /** True (and remembered, so the pass ends incomplete) once the device being rebuilt failed. */
    boolean targetLost(ArrayIo io) {
        if (target.writable(io)) {
            return false;
        }
        failedTarget = true;
        return true;
    }

    /** True when the window [start, end) was rebuilt before the pass was cut short. */
    boolean alreadyRebuilt(long start, long end) {
        return checkpoint.alreadyRebuilt(target, start, end);
    }

    /** The I/O slot the rebuilt copies are written to. */
    int slot() {
        return target.slot;
    }

    /** Issues a periodic checkpoint when one is due; true when it did. */
    boolean checkpointIfDue(ArrayIo io, BackgroundTask owner, long donePrefix) {
        return checkpoint.due(io.now(), donePrefix) && checkpoint.issue(io, owner, CHECKPOINT_TOKEN, donePrefix);
    }

    /**
     * Issues a last checkpoint as the array closes, so a restart resumes there; true when it did
     * (the array waits for it).
     */
    boolean checkpointAtClose(ArrayIo io, BackgroundTask owner, long donePrefix) {
        if (!target.writable(io) || !checkpoint.behind(donePrefix)) {
            return false;
        }
        checkpoint.issue(io, owner, CHECKPOINT_TOKEN, donePrefix);
        return true;
    }

    void checkpointed(ArrayIo io, int result) {
        checkpoint.done(io, result);
    }

    /** Issues the final fsync of the rebuilt device; false when there is no room now. */
    boolean finalFsync(ArrayIo io, BackgroundTask owner) {
        if (io.room() < 1) {
            return false;
        }
        fsyncing = io.fsync(owner, FSYNC_TOKEN, target.slot);
        return fsyncing;
    }

    /** The final fsync returned {@code result}: promotes the device; true when it was. */
    boolean fsynced(ArrayIo io, int result) {
        fsyncing = false;
        return target.promote(io, result);
    }

    /** Whether the pass, which otherwise {@code completed}, counts as complete. */
    boolean completed(boolean completed) {
        return completed && !failedTarget;
    }

    /** The pass ends short of complete: a replacement is dropped, the member it was to replace stays. */
    void abandon(ArrayIo io) {
        if (target.replacing) {
            io.dropReplacement(target.role);
        }
    }

    /** Any pass ends (called for every action, so a RECOVER's state never outlives it). */
    void end() {
        failedTarget = false;
        target = null;
        setup = MemberSetup.NONE;
        setupIssued = 0;
        checkpoint.end();
    }
}
