package io.uraid.core.array;

import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;

/**
 * Rewrites the superblocks of the working members when the array's state changes, and holds
 * back the requests that depend on the change until it is durable: a write that was absorbed
 * by failing a member is acknowledged only once every surviving superblock says that member
 * is faulty, so a power cut can never bring the stale member back as current.
 *
 * <p>Dispatcher thread only. Many changes that arrive while an update is in flight are folded
 * into the next one.
 */
final class MetadataUpdater {
    private final ArrayCore core;
    private final SuperblockWriter writer;
    private final NativeBuffer[] blocks;
    private final int[] waitingNext;
    private int waitingNextCount;
    private final int[] waitingCurrent;
    private int waitingCurrentCount;
    private boolean dirty;
    private boolean wantClean;
    private boolean updating;
    private int legsOutstanding;
    /** Updates completed so far (tests and status). */
    private volatile long updates;
    /** The clean mark of the update in flight, and of the last one completed (status). */
    private boolean updatingClean;
    private volatile boolean recordedClean;
    /** An update since start recorded the array active: writes may go out. */
    private boolean activeOnDisk;
    /**
     * Devices that left their role as faulty and whose own superblock still says they hold it:
     * the next update writes theirs too, once (md's role table says faulty for them on every
     * member; their own copy then says so as well).
     */
    private final Member[] retired;
    private final int[] retiredNumber;
    private final NativeBuffer[] retiredBlocks;
    private int retiredCount;
    /** How many of {@link #retired} the update in flight writes (they leave the list when it ends). */
    private int retiredWriting;

    MetadataUpdater(ArrayCore core, SuperblockWriter writer) {
        this.core = core;
        this.writer = writer;
        int n = core.requests.length;
        this.waitingNext = new int[n];
        this.waitingCurrent = new int[n];
        this.blocks = new NativeBuffer[core.members.length * 2]; // roles, then their replacements
        this.retired = new Member[core.members.length * 2];
        this.retiredNumber = new int[retired.length];
        this.retiredBlocks = new NativeBuffer[retired.length];
        if (writer != null) {
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = NativeBuffer.allocate(writer.blockSize());
            }
        }
    }

    boolean enabled() {
        return writer != null;
    }

    void install(int role, io.uraid.core.sb.MdSuperblock sb) {
        if (writer != null) {
            writer.install(role, sb);
        }
    }

    void installReplacement(int role, io.uraid.core.sb.MdSuperblock sb) {
        if (writer != null) {
            writer.installReplacement(role, sb);
        }
    }

    void setDevflags(int slot, int flags) {
        if (writer != null) {
            writer.setDevflags(slot, flags);
        }
    }

    void dropReplacement(int role) {
        if (writer != null) {
            writer.dropReplacement(role);
        }
    }

    /**
     * The device {@code old} leaves {@code role} as faulty (replaced, or its role given to a
     * spare): the next update rewrites its own superblock once, so it no longer claims the role.
     * Returns md's device number of the device, or -1 without metadata.
     */
    int retire(int role, Member old) {
        if (writer == null) {
            return -1;
        }
        int number = writer.retire(role);
        if (number >= 0 && retiredCount < retired.length) {
            retired[retiredCount] = old;
            retiredNumber[retiredCount] = number;
            retiredCount++;
        }
        dirty = true;
        return number;
    }

    /** See {@link ArrayIo#resyncCheckpoint}. */
    void resyncCheckpoint(long bytes) {
        if (writer != null) {
            writer.resyncCheckpoint(bytes);
        }
    }

    /** A member's state changed: the superblocks must say so (and the array's observer hears of it). */
    void markDirty() {
        dirty = true;
        core.stateChanged = true;
    }

    /** Asks for an update that records the array as clean (true) or active (false). */
    void requestState(boolean clean) {
        wantClean = clean;
        dirty = true;
    }

    boolean idle() {
        return !dirty && !updating;
    }

    long updates() {
        return updates;
    }

    void waitFor(ArrayRequest r) {
        if (!dirty && !updating) {
            core.complete(r); // an update that started after the change has already finished
            return;
        }
        // The update in flight may have started before the change: wait for one more.
        waitingNext[waitingNextCount++] = r.index;
        dirty = true;
    }

    /** Starts an update when one is due and none is in flight. Returns true if it did work. */
    boolean pump() {
        if (!dirty || updating) {
            return false;
        }
        if (writer == null) {
            dirty = false;
            recordedClean = wantClean;
            releaseWaiting(waitingNext, waitingNextCount);
            waitingNextCount = 0;
            return true;
        }
        int targets = 0;
        for (int s = 0; s < blocks.length; s++) {
            Member m = target(s);
            if (m != null) {
                targets++;
            }
        }
        targets += retiredCount;
        IoEngine engine = core.engine;
        if (engine.available() < targets || core.legs.available() < targets) {
            return false; // try again after completions free room
        }
        dirty = false;
        updating = true;
        updatingClean = wantClean;
        long events = core.events + 1;
        core.events = events;
        MemberState[] states = new MemberState[core.members.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = core.members[i].state();
        }
        System.arraycopy(waitingNext, 0, waitingCurrent, 0, waitingNextCount);
        waitingCurrentCount = waitingNextCount;
        waitingNextCount = 0;
        legsOutstanding = 0;
        for (int s = 0; s < blocks.length; s++) {
            // A member being rebuilt and a replacement get every update too (md writes all but
            // faulty devices): after a crash their superblocks still say what they were doing.
            Member m = target(s);
            if (m == null) {
                continue;
            }
            NativeBuffer block = blocks[s];
            ByteBuffer out = block.view();
            writer.encode(s, states, events, wantClean, m.recoveryOffset(), out);
            int leg = core.legs.acquire(-1, Op.META, m.role());
            engine.prepWrite(m.device(), writer.superblockOffset(), block.address(), writer.blockSize(), leg,
                    IoEngine.FUA);
            m.pending++;
            legsOutstanding++;
        }
        retiredWriting = retiredCount;
        for (int i = 0; i < retiredWriting; i++) {
            if (retiredBlocks[i] == null) {
                retiredBlocks[i] = NativeBuffer.allocate(writer.blockSize()); // rare: a device leaving its role
            }
            Member m = retired[i];
            writer.encodeRetired(retiredNumber[i], states, events, wantClean, retiredBlocks[i].view());
            int leg = core.legs.acquire(-1, Op.RETIRE, i);
            engine.prepWrite(m.device(), writer.superblockOffset(), retiredBlocks[i].address(), writer.blockSize(),
                    leg, IoEngine.FUA);
            m.pending++;
            legsOutstanding++;
        }
        if (legsOutstanding == 0) {
            finishUpdate();
        }
        return true;
    }

    /** The member whose superblock the retiring write {@code index} goes to. */
    Member retiredMember(int index) {
        return retired[index];
    }

    /** A retiring write completed: the device's superblock says faulty (or could not be written: it has failed). */
    void onRetiredLegDone(int result) {
        if (--legsOutstanding == 0) {
            finishUpdate();
        }
    }

    /** The device of slot {@code s} (role, or role + raid disks: its replacement) that gets the update, or null. */
    private Member target(int s) {
        int n = core.members.length;
        Member m = s < n ? core.members[s] : core.replacements[s - n];
        return m != null && m.writable() ? m : null;
    }

    void onLegDone(int role, int result) {
        if (result < 0) {
            core.failMember(role, result); // marks dirty again: the next update records it
        }
        if (--legsOutstanding == 0) {
            finishUpdate();
        }
    }

    /**
     * True once the superblocks say "active" and no update on its way writes "clean": md writes
     * that mark before the first write after a clean state, so a crash never leaves written
     * data behind a "clean" mark (which would skip the resync). Always true without superblocks.
     */
    boolean activeOnDisk() {
        return writer == null || (activeOnDisk && !(updating && updatingClean));
    }

    boolean recordedClean() {
        return recordedClean;
    }

    private void finishUpdate() {
        if (retiredWriting > 0) { // written once: they leave the list (later ones move up)
            int left = retiredCount - retiredWriting;
            System.arraycopy(retired, retiredWriting, retired, 0, left);
            System.arraycopy(retiredNumber, retiredWriting, retiredNumber, 0, left);
            java.util.Arrays.fill(retired, left, retiredCount, null);
            retiredCount = left;
            retiredWriting = 0;
        }
        recordedClean = updatingClean;
        activeOnDisk = !updatingClean;
        updating = false;
        updates++;
        releaseWaiting(waitingCurrent, waitingCurrentCount);
        waitingCurrentCount = 0;
    }

    private void releaseWaiting(int[] list, int count) {
        for (int i = 0; i < count; i++) {
            core.complete(core.requests[list[i]]);
        }
    }

    void close() {
        for (NativeBuffer b : blocks) {
            if (b != null) {
                b.close();
            }
        }
        for (NativeBuffer b : retiredBlocks) {
            if (b != null) {
                b.close();
            }
        }
    }
}
