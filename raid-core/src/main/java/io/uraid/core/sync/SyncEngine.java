package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.array.ReadSteer;
import io.uraid.core.array.WriteGate;
import io.uraid.core.bitmap.WriteIntentBitmap;
import io.uraid.core.spi.Layout;
import io.uraid.io.Errno;
import io.uraid.io.NativeBuffer;
import java.util.logging.Logger;

/**
 * Resync, check and repair of a mirrored array, in the background while it serves I/O. Work
 * goes window by window (at most {@link #WINDOW} bytes, inside one layout piece): a window
 * first waits until no client write overlaps it and holds new ones back (they wait as
 * stalled requests), then reads, then writes, then lets the held writes go. Reads of regions
 * a resync still owes go to the copy it copies from, so readers never see copies disagree.
 *
 * <p>Dispatcher thread only, except {@link #status()} (volatile snapshot fields).
 */
public final class SyncEngine implements BackgroundTask, WriteGate, ReadSteer {
    private static final Logger LOG = Logger.getLogger(SyncEngine.class.getName());
    /** Largest window. */
    public static final int WINDOW = 1 << 20;
    /** Granularity of the client-write tracking (a window never crosses one of these). */
    private static final int GATE_SHIFT = 20;
    private static final int S_NONE = 0, S_HOLD = 1, S_READ = 2, S_WRITE = 3, S_FSYNC = 4;

    private final Layout layout;
    private final long arraySize;
    private final WriteIntentBitmap bitmap;
    private final Throttle throttle;
    private final int[] writesInFlight;
    private final NativeBuffer[] buffers;
    private SyncWork work;
    private SyncAction action = SyncAction.IDLE;
    private int state = S_NONE;
    private long windowStart;
    private long windowEnd;
    private long heldGate = -1;
    private int source;
    /** RECOVER: the role being rebuilt, its copy in the current window (-1: none there). */
    private int targetRole = -1;
    /** The I/O slot of the device being rebuilt: the role, or role + raid disks for a replacement. */
    private int targetSlot = -1;
    private boolean replacing;
    private int targetCopy;
    private io.uraid.core.sb.MdSuperblock targetSuperblock;
    private int legsOutstanding;
    private int readErrors;
    private boolean windowLost;
    private volatile long unreadable;
    private boolean stopRequested;
    private long startedNanos;
    private long finishedNanos;
    private volatile SyncStatus status;
    private volatile long mismatches;
    private SyncAction lastAction = SyncAction.IDLE;
    private boolean lastCompleted = true;

    /**
     * @param bitmap the array's bitmap, or null: a bitmap resync owes only dirty chunks and
     *               keeps their bits set until they are done
     */
    public SyncEngine(Layout layout, WriteIntentBitmap bitmap, Throttle throttle) {
        this.layout = layout;
        this.arraySize = layout.arraySize();
        this.bitmap = bitmap;
        this.throttle = throttle;
        this.writesInFlight = new int[(int) ((arraySize + (1L << GATE_SHIFT) - 1) >>> GATE_SHIFT)];
        this.buffers = new NativeBuffer[layout.copies()];
        publish();
    }

    /**
     * Starts a resync of the regions an unclean stop may have left differing: the chunks set in
     * the bitmap, or the whole array without one. Before the array starts, or on its dispatcher.
     */
    public void beginResync(ArrayIo io) {
        int shift = bitmap != null ? Integer.numberOfTrailingZeros(bitmap.chunkBytes()) : GATE_SHIFT;
        SyncWork w = new SyncWork(arraySize, shift);
        if (bitmap == null) {
            w.addAll();
        } else {
            for (long c = 0; c < w.regions(); c++) {
                if (bitmap.isDirty(c)) {
                    w.add(c);
                    bitmap.hold(c);
                }
            }
        }
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
        SyncWork w = new SyncWork(arraySize, GATE_SHIFT);
        w.addAll();
        mismatches = 0;
        begin(a, w, io);
        return true;
    }

    /**
     * Rebuilds {@code role}, which must hold a member in state REBUILDING, from the in-sync
     * copies; when done the member is fsynced and promoted with {@code superblock} as its
     * metadata. {@code dirtyOnly}: only the chunks set in the bitmap (a re-added member that
     * missed just those writes). Returns false when a pass is already running.
     */
    public boolean beginRecover(ArrayIo io, int role, io.uraid.core.sb.MdSuperblock superblock, boolean dirtyOnly) {
        return beginRecover(io, role, superblock, dirtyOnly, false);
    }

    /**
     * {@link #beginRecover(ArrayIo, int, io.uraid.core.sb.MdSuperblock, boolean)}, or with
     * {@code replacement} the copy onto the device installed as the role's replacement (the
     * member stays in service until the copy is complete, then the replacement takes over).
     */
    public boolean beginRecover(ArrayIo io, int role, io.uraid.core.sb.MdSuperblock superblock, boolean dirtyOnly,
                                boolean replacement) {
        if (action != SyncAction.IDLE) {
            return false;
        }
        SyncWork w;
        if (dirtyOnly && bitmap != null) {
            w = new SyncWork(arraySize, Integer.numberOfTrailingZeros(bitmap.chunkBytes()));
            for (long c = 0; c < w.regions(); c++) {
                if (bitmap.isDirty(c)) {
                    w.add(c);
                }
            }
        } else {
            w = new SyncWork(arraySize, GATE_SHIFT);
            w.addAll();
        }
        targetRole = role;
        targetSlot = replacement ? role + io.raidDisks() : role;
        replacing = replacement;
        targetSuperblock = superblock;
        begin(SyncAction.RECOVER, w, io);
        return true;
    }

    private void begin(SyncAction a, SyncWork w, ArrayIo io) {
        work = w;
        action = a;
        stopRequested = false;
        startedNanos = System.nanoTime();
        throttle.reset(startedNanos);
        if (a == SyncAction.RESYNC) {
            io.keepDirty(true);
        }
        LOG.info(io.name() + ": " + a.mdName() + " of " + w.total() + " bytes started");
        publish();
    }

    /** Asks a running check or repair to stop after its current window (md's sync_action=idle). */
    public void stop() {
        if (action == SyncAction.CHECK || action == SyncAction.REPAIR) {
            stopRequested = true;
        }
    }

    public SyncStatus status() {
        return status;
    }

    private void publish() {
        long total = work == null ? 0 : work.total();
        long done = work == null ? 0 : work.done();
        long end = action == SyncAction.IDLE ? finishedNanos : System.nanoTime();
        long speed = work == null ? 0 : (long) (done * 1e9 / Math.max(1, end - startedNanos));
        long eta = action == SyncAction.IDLE ? 0 : speed > 0 ? (total - done) / speed : -1;
        status = new SyncStatus(action, done, total, speed, eta, mismatches, lastAction, lastCompleted);
    }

    // ---- gate and steer ----

    @Override
    public boolean admit(long offset, long length) {
        long first = offset >>> GATE_SHIFT;
        long last = Math.min(writesInFlight.length - 1, (offset + Math.max(1, length) - 1) >>> GATE_SHIFT);
        if (heldGate >= first && heldGate <= last) {
            return false;
        }
        for (long g = first; g <= last; g++) {
            writesInFlight[(int) g]++;
        }
        return true;
    }

    @Override
    public void release(long offset, long length) {
        long first = offset >>> GATE_SHIFT;
        long last = Math.min(writesInFlight.length - 1, (offset + Math.max(1, length) - 1) >>> GATE_SHIFT);
        for (long g = first; g <= last; g++) {
            writesInFlight[(int) g]--;
        }
    }

    @Override
    public int copyFor(long offset, long length) {
        if (action != SyncAction.RESYNC || !work.pending(offset, length)) {
            return -1;
        }
        return firstInSyncCopy(null, offset);
    }

    // ---- the window state machine ----

    @Override
    public boolean pump(ArrayIo io) {
        switch (state) {
            case S_NONE:
                return nextWindow(io);
            case S_HOLD:
                if (writesInFlight[(int) heldGate] == 0) {
                    return issueReads(io);
                }
                return false;
            default:
                return false; // legs in flight
        }
    }

    private boolean nextWindow(ArrayIo io) {
        if (action == SyncAction.IDLE) {
            return false;
        }
        if (stopRequested || !work.seek()) {
            if (action == SyncAction.RECOVER && !stopRequested) {
                return finalFsync(io);
            }
            finish(io, !stopRequested);
            return true;
        }
        if (action == SyncAction.RECOVER && !targetWritable(io)) {
            finish(io, false); // the member being rebuilt failed
            return true;
        }
        long start = work.position();
        long end = Math.min(work.regionEnd(work.region()), start + WINDOW);
        end = Math.min(end, ((start >>> GATE_SHIFT) + 1) << GATE_SHIFT);
        end = Math.min(end, start + layout.bytesToBoundary(start));
        long now = System.nanoTime();
        if (!throttle.allow(now, end - start, io.activeRequests() > 0)) {
            return false;
        }
        windowStart = start;
        windowEnd = end;
        heldGate = start >>> GATE_SHIFT;
        state = S_HOLD;
        return true;
    }

    private int firstInSyncCopy(ArrayIo io, long offset) {
        for (int c = 0; c < layout.copies(); c++) {
            if (io == null || io.member(layout.member(offset, c)).inSync()) {
                return c;
            }
        }
        return -1;
    }

    private long memberOffset(ArrayIo io, int copy) {
        return io.member(layout.member(windowStart, copy)).dataOffset() + layout.memberOffset(windowStart, copy);
    }

    private NativeBuffer buffer(int copy) {
        if (buffers[copy] == null) {
            buffers[copy] = NativeBuffer.allocate(WINDOW);
        }
        return buffers[copy];
    }

    private boolean finalFsync(ArrayIo io) {
        if (io.room() < 1) {
            return false;
        }
        state = S_FSYNC;
        legsOutstanding = 1;
        io.fsync(this, 0, targetSlot);
        return true;
    }

    private boolean targetWritable(ArrayIo io) {
        var m = io.slot(targetSlot);
        return m != null && m.writable() && (!replacing || m.role() == targetSlot);
    }

    private int copyOnTarget() {
        for (int c = 0; c < layout.copies(); c++) {
            if (layout.member(windowStart, c) == targetRole) {
                return c;
            }
        }
        return -1;
    }

    private boolean issueReads(ArrayIo io) {
        if (action == SyncAction.RECOVER) {
            targetCopy = copyOnTarget();
            if (targetCopy < 0) {
                windowDone(); // the rebuilt member holds no copy of this window
                return true;
            }
        }
        source = firstInSyncCopy(io, windowStart);
        if (source < 0) {
            finish(io, false);
            return true;
        }
        int len = (int) (windowEnd - windowStart);
        boolean all = action == SyncAction.CHECK || action == SyncAction.REPAIR;
        int need = all ? layout.copies() : 1;
        if (io.room() < need) {
            return false;
        }
        state = S_READ;
        legsOutstanding = 0;
        readErrors = 0;
        windowLost = false;
        for (int c = 0; c < layout.copies(); c++) {
            int role = layout.member(windowStart, c);
            if ((c == source || all) && io.member(role).inSync()) {
                io.read(this, c, role, memberOffset(io, c), buffer(c).address(), len);
                legsOutstanding++;
            }
        }
        return true;
    }

    @Override
    public void onComplete(ArrayIo io, int token, int result) {
        int len = (int) (windowEnd - windowStart);
        if (state == S_FSYNC) {
            legsOutstanding = 0;
            if (result < 0) {
                io.failMember(targetSlot, result);
                finish(io, false);
            } else if (replacing) {
                io.promoteReplacement(targetRole, targetSuperblock);
                finish(io, true);
            } else {
                io.promote(targetRole, targetSuperblock);
                finish(io, true);
            }
            return;
        }
        if (result < 0 || (state == S_READ && result != len)) {
            int role = state == S_WRITE && action == SyncAction.RECOVER ? targetSlot : layout.member(windowStart, token);
            boolean failed = io.failMember(role, result < 0 ? result : -Errno.EIO);
            if (state == S_READ) {
                readErrors++;
                windowLost |= !failed; // the last copy cannot be read: nothing to copy from
            }
        }
        if (--legsOutstanding > 0) {
            return;
        }
        if (state == S_READ) {
            if (windowLost) {
                unreadable += len;
                LOG.warning(io.name() + ": " + action.mdName() + " cannot read [" + windowStart + ", " + windowEnd
                        + ") from any copy; skipped");
                windowDone();
                return;
            }
            if (readErrors > 0) {
                state = S_HOLD; // read again from the copies still in sync
                return;
            }
            issueWrites(io, len);
        } else {
            windowDone();
        }
    }

    private void issueWrites(ArrayIo io, int len) {
        state = S_WRITE;
        legsOutstanding = 0;
        long srcAddr = buffers[source].address();
        for (int c = 0; c < layout.copies(); c++) {
            int role = layout.member(windowStart, c);
            if (action == SyncAction.RECOVER) {
                long at = io.slot(targetSlot).dataOffset() + layout.memberOffset(windowStart, c);
                if (c == targetCopy && targetWritable(io)
                        && io.write(this, c, targetSlot, at, srcAddr, len, false)) {
                    legsOutstanding++;
                }
                continue;
            }
            if (c == source || !io.member(role).inSync()) {
                continue;
            }
            boolean write = action == SyncAction.RESYNC;
            if (action != SyncAction.RESYNC) {
                long differing = BufferCompare.differingBlocks(buffers[source], buffers[c], len, 4096);
                mismatches += differing * 8;
                write = action == SyncAction.REPAIR && differing > 0;
            }
            // Room was checked for reads of every copy; writes never need more legs than that.
            if (write && io.write(this, c, role, memberOffset(io, c), srcAddr, len, false)) {
                legsOutstanding++;
            }
        }
        if (legsOutstanding == 0) {
            windowDone();
        }
    }

    private void windowDone() {
        state = S_NONE;
        heldGate = -1;
        long finished = work.advance(windowEnd);
        if (finished >= 0 && action == SyncAction.RESYNC && bitmap != null) {
            bitmap.unhold(finished);
        }
        publish();
    }

    private void finish(ArrayIo io, boolean completed) {
        LOG.info(io.name() + ": " + action.mdName() + (completed ? " finished" : " stopped") + " after "
                + work.done() + " of " + work.total() + " bytes" + (action == SyncAction.RESYNC ? ""
                : ", mismatch_cnt " + mismatches));
        if (action == SyncAction.RESYNC && completed) {
            io.keepDirty(false);
        }
        if (action == SyncAction.RECOVER && replacing && !completed) {
            io.dropReplacement(targetRole); // the member it was to replace stays in service
        }
        // A resync that did not complete keeps the bits of the chunks it never reached held.
        toIdle(completed);
    }

    private void toIdle(boolean completed) {
        finishedNanos = System.nanoTime();
        lastAction = action;
        lastCompleted = completed;
        action = SyncAction.IDLE;
        state = S_NONE;
        heldGate = -1;
        publish();
    }

    @Override
    public boolean closing(ArrayIo io) {
        if (state == S_READ || state == S_WRITE || state == S_FSYNC) {
            return false; // the window in flight finishes first
        }
        if (action != SyncAction.IDLE) {
            toIdle(false);
        }
        return true;
    }

    /** Releases the buffers; after the array stopped. */
    public void free() {
        for (NativeBuffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
