package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.array.Member;
import io.uraid.core.array.ReadSteer;
import io.uraid.core.array.WriteGate;
import io.uraid.core.bitmap.WriteIntentBitmap;
import io.uraid.core.plan.LevelIo;
import io.uraid.core.plan.SyncWindows;
import io.uraid.core.spi.Layout;
import java.util.logging.Logger;

/**
 * The window driver of every sync pass (md's resync, check, repair and recovery), in the
 * background while the array serves I/O. It walks the array window by window (at most
 * {@link #WINDOW} bytes, inside one of the level's pieces), several windows at once
 * ({@link SyncLane}): a window first waits until no client write overlaps it and holds new ones
 * back (they wait parked), then the pass's strategy ({@link SyncWindows}, one per action, from
 * the level's {@link io.uraid.core.plan.LevelIo#sync}) runs its phases, then the held writes go.
 * The driver keeps what every pass shares: the regions still owed, throttling, progress, the
 * bitmap bits a resync holds, and a rebuild's checkpoints, final flush and promotion. Reads of
 * regions a resync still owes go to the copy its strategy copies from, so readers never see
 * copies disagree.
 *
 * <p>Dispatcher thread only, except {@link #status()} (volatile snapshot fields).
 */
public final class SyncEngine implements BackgroundTask, WriteGate, ReadSteer {
    private static final Logger LOG = Logger.getLogger(SyncEngine.class.getName());
    /** Largest window. */
    public static final int WINDOW = 1 << 20;
    private static final int GATE_SHIFT = WriteGates.SHIFT;
    /** Windows in flight at once (reads of one overlap writes of another). */
    private static final int LANES = 4;
    /** Windows below a resumed rebuild's checkpoint passed over in one call (keeps a pump short). */
    private static final int SKIPS_PER_CALL = 1 << 16;

    private final Layout layout;
    private final io.uraid.core.plan.LevelIo level;
    private final long arraySize;
    private final WriteIntentBitmap bitmap;
    private final Throttle throttle;
    private final SyncLanes lanes;
    private final WriteGates gates;
    /** RECOVER: the device being rebuilt. */
    private final RecoverPass recover;
    private final LaneIo laneIo;
    /** The running pass's strategy (null when idle). */
    private SyncWindows windows;
    private SyncWork work;
    private String arrayName = "";
    private SyncAction action = SyncAction.IDLE;
    private volatile long unreadable;
    private boolean stopRequested;
    private final SyncProgress progress = new SyncProgress();

    /**
     * @param level  the array's I/O strategy, which gives each pass its strategy
     * @param bitmap the array's bitmap, or null: a bitmap resync owes only dirty chunks and
     *               keeps their bits set until they are done
     */
    public SyncEngine(Layout layout, io.uraid.core.plan.LevelIo level, WriteIntentBitmap bitmap, Throttle throttle) {
        this.layout = layout;
        this.level = level;
        this.arraySize = layout.arraySize();
        this.bitmap = bitmap;
        this.throttle = throttle;
        this.lanes = new SyncLanes(LANES, Math.max(1, level.syncBuffers()), WINDOW, this);
        this.gates = new WriteGates(arraySize, lanes.all());
        this.recover = new RecoverPass(layout);
        this.laneIo = new LaneIo(this, recover);
        publish();
    }

    /** The native region of every window buffer (to register with the engine). */
    public io.uraid.io.NativeBuffer bufferRegion() {
        return lanes.region();
    }

    /**
     * Starts a resync of the regions an unclean stop may have left differing: the chunks set in
     * the bitmap, or the whole array without one. Before the array starts, or on its dispatcher.
     */
    public void beginResync(ArrayIo io) {
        beginResync(io, 0);
    }

    /**
     * As {@link #beginResync(ArrayIo)}, for an array whose members say the copies agree below
     * {@code from} bytes (md's resync_offset: a resync stopped there, or a grown array's old
     * size). Without a bitmap the pass starts there; with one its dirty chunks say what is owed.
     */
    public void beginResync(ArrayIo io, long from) {
        SyncWork w = bitmap == null ? SyncWork.from(arraySize, GATE_SHIFT, from)
                : SyncWork.dirty(arraySize, bitmap, true);
        if (w.total() > 0) {
            begin(SyncAction.RESYNC, w, io);
        }
    }

    /** Starts a check or repair of the whole array; false when a pass is already running. */
    public boolean begin(SyncAction a, ArrayIo io) {
        if (a != SyncAction.CHECK && a != SyncAction.REPAIR) {
            throw new IllegalArgumentException("only check and repair can be asked for, not " + a);
        }
        if (action != SyncAction.IDLE) {
            return false;
        }
        begin(a, SyncWork.whole(arraySize, GATE_SHIFT), io);
        return true;
    }

    /**
     * Rebuilds {@code role}, which must hold a member in state REBUILDING, from the in-sync
     * copies; when done the member is fsynced and promoted with {@code superblock} as its
     * metadata. {@code dirtyOnly}: only the chunks set in the bitmap (a re-added member that
     * missed just those writes). {@code replacement}: the copy goes onto the device installed as
     * the role's replacement (the member stays in service until the copy is complete, then the
     * replacement takes over). {@code resumeFrom}: the first bytes of the role's data area are
     * rebuilt already (md's recovery_offset of a rebuild cut short) and are not copied again.
     * Returns false when a pass is already running.
     */
    public boolean beginRecover(ArrayIo io, int role, io.uraid.core.sb.MdSuperblock superblock, boolean dirtyOnly,
                                boolean replacement, long resumeFrom) {
        if (action != SyncAction.IDLE) {
            return false;
        }
        SyncWork w = dirtyOnly && bitmap != null ? SyncWork.dirty(arraySize, bitmap, false)
                : SyncWork.whole(arraySize, GATE_SHIFT);
        recover.start(io, role, superblock, replacement, resumeFrom);
        begin(SyncAction.RECOVER, w, io);
        return true;
    }

    /** Bytes the running or last rebuild wrote to the member it rebuilds (a resumed one skips some). */
    public long copiedBytes() {
        return recover.copiedBytes();
    }

    private void begin(SyncAction a, SyncWork w, ArrayIo io) {
        windows = level.sync(a, laneIo.on(io));
        if (windows == null) {
            throw new IllegalStateException(io.name() + ": the level has no " + a.mdName() + " pass");
        }
        recover.strategy(windows);
        arrayName = io.name();
        work = w;
        action = a;
        stopRequested = false;
        long now = System.nanoTime();
        progress.started(now, a == SyncAction.CHECK || a == SyncAction.REPAIR, syncSpan(a), arraySize);
        throttle.reset(now);
        if (a == SyncAction.RESYNC) {
            io.keepDirty(true);
        }
        LOG.info(io.name() + ": " + a.mdName() + " of " + w.total() + " bytes started");
        publish();
        io.stateChanged();
    }

    /** Bytes of md's space a whole pass of {@code a} walks ({@link SyncProgress}). */
    private long syncSpan(SyncAction a) {
        return a == SyncAction.RECOVER ? layout.memberSpan() : arraySize / layout.syncScale();
    }

    /** Asks a running check or repair to stop after its current window (md's sync_action=idle). */
    public void stop() {
        if (action == SyncAction.CHECK || action == SyncAction.REPAIR) {
            stopRequested = true;
        }
    }

    public SyncStatus status() {
        return progress.status();
    }

    private void publish() {
        progress.publish(action, work);
    }

    // ---- gate and steer ----

    @Override
    public boolean admit(long offset, long length) {
        return gates.admit(offset, length);
    }

    @Override
    public void release(long offset, long length) {
        gates.release(offset, length);
    }

    @Override
    public int copyFor(long offset, long length) {
        if (action != SyncAction.RESYNC || !work.pending(offset, length)) {
            return -1;
        }
        return windows.steer(offset, length);
    }

    // ---- the windows ----

    @Override
    public boolean pump(ArrayIo io) {
        if (action == SyncAction.IDLE || recover.fsyncing()) {
            return false;
        }
        if (action == SyncAction.RECOVER && recover.settingUp()) {
            return recover.issueSetup(io, this); // the device is set up before anything is copied to it
        }
        boolean worked = false;
        laneIo.on(io);
        for (SyncLane l : lanes.all()) {
            if (l.state == SyncLane.HOLD && gates.idle(l.gate)) {
                worked |= startWindow(l);
            } else if (l.state == SyncLane.WAITING) {
                worked |= advance(l);
            }
        }
        for (SyncLane l : lanes.all()) {
            if (!l.busy()) {
                if (!nextWindow(io, l)) {
                    break;
                }
                worked = true;
            }
        }
        if (action == SyncAction.RECOVER) {
            worked |= recover.checkpointIfDue(io, this, donePrefix());
        }
        if (!lanes.anyBusy() && !recover.checkpointInFlight() && (stopRequested || !work.seek())) {
            if (action == SyncAction.RECOVER && !stopRequested) {
                return recover.finalFsync(io, this);
            }
            finish(io, !stopRequested);
            return true;
        }
        return worked;
    }

    /** The array bytes below which every window of the pass has completed. */
    private long donePrefix() {
        return lanes.donePrefix(work, arraySize);
    }

    /** Gives lane {@code l} the next window; false when there is none now (done, stopped, throttled). */
    private boolean nextWindow(ArrayIo io, SyncLane l) {
        if (stopRequested || !work.seek()) {
            return false;
        }
        if (action == SyncAction.RECOVER && recover.targetLost(io)) {
            stopRequested = true; // the member being rebuilt failed: finish once the lanes drain
            return false;
        }
        long start = work.position();
        long end = windowEnd(io, start);
        // Skip what was rebuilt before the pass was cut short (a bounded stretch per call).
        for (int i = 0; action == SyncAction.RECOVER && recover.alreadyRebuilt(start, end); i++) {
            work.take(end);
            work.finished(end - start);
            if (i == SKIPS_PER_CALL || !work.seek()) {
                return false;
            }
            start = work.position();
            end = windowEnd(io, start);
        }
        // md's speed limits are in its own units (member KiB/s for raid4/5/6), as its progress is.
        if (!throttle.allow(System.nanoTime(), progress.inSyncSpace(end - start), io.activeRequests() > 0)) {
            return false;
        }
        l.assign(start, end, work.region(), start >>> GATE_SHIFT);
        work.take(end);
        return true;
    }

    /** A window ends at its region's or gate's end, the level's boundary, or the members' transfer limit. */
    private long windowEnd(ArrayIo io, long start) {
        long end = Math.min(work.regionEnd(work.region()), start + Math.min(WINDOW, io.maxLegBytes()));
        end = Math.min(end, ((start >>> GATE_SHIFT) + 1) << GATE_SHIFT);
        return windows.windowEnd(start, end);
    }

    /** Lets the strategy start window {@code l} (its gate has no client write in flight). */
    private boolean startWindow(SyncLane l) {
        int started = windows.start(l, laneIo);
        if (started == LevelIo.WAIT) {
            return false;
        }
        l.state = SyncLane.RUNNING;
        if (started == LevelIo.DONE) {
            windowDone(l);
        } else if (l.legsOutstanding == 0) {
            advance(l);
        }
        return true;
    }

    /** Every leg of lane {@code l}'s phase has ended: the strategy's next phase, a wait for room, or the end. */
    private boolean advance(SyncLane l) {
        while (true) {
            int next = windows.phaseDone(l, laneIo);
            if (next == LevelIo.NEXT) {
                l.state = SyncLane.RUNNING;
                if (l.legsOutstanding > 0) {
                    return true;
                }
            } else if (next == LevelIo.WAIT) {
                l.state = SyncLane.WAITING;
                return false;
            } else {
                windowDone(l);
                return true;
            }
        }
    }

    @Override
    public void onComplete(ArrayIo io, int token, int result) {
        if (token == RecoverPass.FSYNC_TOKEN) {
            finish(io, recover.fsynced(io, result));
            return;
        }
        if (token == RecoverPass.CHECKPOINT_TOKEN) {
            recover.checkpointed(io, result);
            return;
        }
        if (token == RecoverPass.SETUP_TOKEN) {
            recover.setupDone(io, result);
            return;
        }
        SyncLane l = lanes.get(token >>> 8);
        windows.legDone(l, token & 0xff, result, laneIo.on(io));
        if (--l.legsOutstanding == 0 && l.state == SyncLane.RUNNING) {
            advance(l);
        }
    }

    /** A window no copy of which could be read: skipped and counted. */
    void unreadable(SyncLane l) {
        unreadable += l.length();
        LOG.warning(arrayName + ": " + action.mdName() + " cannot read [" + l.start + ", " + l.end
                + ") from any copy; skipped");
    }

    void mismatched(long sectors) {
        progress.mismatched(sectors);
    }

    /** No working copy left to read in lane {@code l}'s window: the pass stops once its windows drain. */
    void failPass(SyncLane l) {
        stopRequested = true;
        l.abandoned = true;
    }

    private void windowDone(SyncLane l) {
        laneIo.unlock(l);
        if (l.abandoned) {
            l.release(); // the pass stops: the window counts for nothing, its region stays owed
            publish();
            return;
        }
        long region = l.region;
        work.finished(l.length());
        l.release();
        if (work.allTaken(region) && !lanes.regionBusy(region)) {
            work.clear(region);
            if (action == SyncAction.RESYNC && bitmap != null) {
                bitmap.unhold(region);
            }
        }
        publish();
    }

    private void finish(ArrayIo io, boolean completed) {
        completed = recover.completed(completed);
        LOG.info(io.name() + ": " + action.mdName() + (completed ? " finished" : " stopped") + " after "
                + work.done() + " of " + work.total() + " bytes" + (action == SyncAction.CHECK
                || action == SyncAction.REPAIR ? ", mismatch_cnt " + progress.mismatches() : ""));
        if (action == SyncAction.RESYNC && completed) {
            io.keepDirty(false);
        }
        if (action == SyncAction.RECOVER && !completed) {
            recover.abandon(io);
        }
        // A resync that did not complete keeps the bits of the chunks it never reached held.
        toIdle(io, completed);
    }

    private void toIdle(ArrayIo io, boolean completed) {
        progress.ended(action, completed, System.nanoTime());
        action = SyncAction.IDLE;
        recover.end();
        for (SyncLane l : lanes.all()) {
            laneIo.unlock(l);
        }
        lanes.releaseAll();
        windows = null;
        publish();
        io.stateChanged();
    }

    @Override
    public boolean closing(ArrayIo io) {
        if (recover.fsyncing() || recover.checkpointInFlight() || recover.setupInFlight() || lanes.ioInFlight()) {
            return false; // the I/O in flight finishes first
        }
        if (action == SyncAction.RECOVER && recover.checkpointAtClose(io, this, donePrefix())) {
            return false;
        }
        if (action == SyncAction.RESYNC) {
            // md's clean stop in the middle of a resync: the superblocks say clean, with
            // resync_offset where the copies stop being known equal; the next assembly resumes
            // there instead of starting over (with a bitmap, its bits still set say the same).
            long done = donePrefix();
            if (done < arraySize) {
                io.resyncCheckpoint(layout.syncOffsetBelow(done)); // md's units: member rows for raid4/5/6
            }
            io.keepDirty(false);
        }
        if (action != SyncAction.IDLE) {
            toIdle(io, false);
        }
        return true;
    }

    /** Releases the buffers; after the array stopped. */
    public void free() {
        lanes.free();
    }
}
