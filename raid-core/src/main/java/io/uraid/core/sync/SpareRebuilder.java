package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.BlockDevice;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * Hot spares: when a role has no working member and no pass is running, the first spare
 * takes the role and is rebuilt by the sync engine (md's recovery). Dispatcher thread only.
 */
final class SpareRebuilder implements BackgroundTask {
    private static final Logger LOG = Logger.getLogger(SpareRebuilder.class.getName());

    /** A prepared spare: open device, data offset, its superblock (role spare). */
    record Spare(BlockDevice device, long dataOffset, MdSuperblock superblock) {
    }

    /** A rebuild cut short that assembly found: the role, its device's superblock, where to resume. */
    record Resume(int role, MdSuperblock superblock, long from, boolean replacement) {
    }

    private final SyncEngine sync;
    private final ArrayDeque<Resume> resumes = new ArrayDeque<>();
    private volatile int resumesPending;
    private final ArrayDeque<Spare> spares = new ArrayDeque<>();
    /** Snapshot of the waiting spares for status readers on other threads. */
    private volatile java.util.List<Spare> waiting = java.util.List.of();

    SpareRebuilder(SyncEngine sync) {
        this.sync = sync;
    }

    void add(Spare s) {
        spares.add(s);
        waiting = java.util.List.copyOf(spares);
    }

    void resume(Resume r) {
        resumes.add(r);
        resumesPending = resumes.size();
    }

    /** True while a rebuild found at assembly waits for its turn (a resync may run first). */
    boolean resumePending() {
        return resumesPending > 0;
    }

    /**
     * Takes the waiting spare on {@code path} off the list ({@code mdadm --remove} of a spare).
     * Returns its device, which the caller closes, or null when no waiting spare is on that path.
     */
    BlockDevice remove(java.util.function.Predicate<BlockDevice> which) {
        for (java.util.Iterator<Spare> it = spares.iterator(); it.hasNext(); ) {
            Spare s = it.next();
            if (which.test(s.device())) {
                it.remove();
                waiting = java.util.List.copyOf(spares);
                return s.device();
            }
        }
        return null;
    }

    int spareCount() {
        return waiting.size();
    }

    /** The spares waiting for a role, in the order they will be taken. */
    java.util.List<Spare> waiting() {
        return waiting;
    }

    @Override
    public boolean pump(ArrayIo io) {
        if (sync.status().running()) {
            return false;
        }
        Resume r0 = resumes.peek();
        if (r0 != null) {
            resumes.poll();
            if (r0.replacement() && !io.member(r0.role()).inSync()) {
                io.dropReplacement(r0.role()); // nothing in service left to copy from in that role
            } else if (io.slot(r0.role() + (r0.replacement() ? io.raidDisks() : 0)).state() == MemberState.REBUILDING) {
                sync.beginRecover(io, r0.role(), r0.superblock(), false, r0.replacement(), r0.from());
            }
            resumesPending = resumes.size(); // only now: the engine already reports the pass running
            return true;
        }
        if (spares.isEmpty()) {
            return false;
        }
        for (int r = 0; r < io.raidDisks(); r++) {
            MemberState st = io.member(r).state();
            // Wait until the failed member's last legs are back: their errors belong to it.
            if ((st == MemberState.FAULTY || st == MemberState.MISSING) && io.member(r).pendingLegs() == 0) {
                Spare s = spares.poll();
                waiting = java.util.List.copyOf(spares);
                Member old = io.member(r);
                io.installRebuilding(r, s.device(), s.dataOffset(), s.superblock());
                LOG.info(io.name() + ": spare " + s.device().path() + " takes role " + r + " of "
                        + (old.device() == null ? "a missing member" : old.device().path()) + "; rebuilding");
                sync.beginRecover(io, r, s.superblock(), false, false, 0);
                return true;
            }
        }
        return false;
    }

    @Override
    public void onComplete(ArrayIo io, int token, int result) {
        // issues no I/O of its own
    }

    @Override
    public boolean closing(ArrayIo io) {
        return true;
    }
}
