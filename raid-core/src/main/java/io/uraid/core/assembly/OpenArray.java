package io.uraid.core.assembly;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.report.MemberExaminer;
import io.uraid.io.IoEngine;
import io.uraid.io.remote.DevicePaths;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An assembled, running array together with everything it owns: its engine and member devices.
 * Closing it stops the array cleanly (members flushed, superblocks marked clean), then closes
 * the devices and the engine.
 */
public final class OpenArray implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpenArray.class.getName());

    private final RaidArray array;
    private final IoEngine engine;
    private final List<MemberDevice> devices;
    private final MdSuperblockWriter superblocks;

    private final Redundancy redundancy;
    private final List<LeftOut> leftOut;
    private final ArrayClaim claim;

    OpenArray(RaidArray array, IoEngine engine, List<MemberDevice> devices, MdSuperblockWriter superblocks,
              Redundancy redundancy, List<LeftOut> leftOut, ArrayClaim claim) {
        this.redundancy = redundancy;
        this.leftOut = List.copyOf(leftOut);
        this.claim = claim;
        this.array = array;
        this.engine = engine;
        this.devices = new java.util.concurrent.CopyOnWriteArrayList<>(devices);
        this.superblocks = superblocks;
    }

    public RaidArray array() {
        return array;
    }

    /** The engine the array's dispatcher owns (do not issue I/O on it). */
    public IoEngine engine() {
        return engine;
    }

    /** The devices given or found for this array that assembly did not take, with the reason. */
    public List<LeftOut> leftOut() {
        return leftOut;
    }

    /** The member devices assembled and not removed since (not the missing roles). */
    public List<MemberDevice> devices() {
        return List.copyOf(devices);
    }

    /**
     * Removes the faulty member in {@code role} from the running array (see
     * {@link RaidArray#remove}) and closes its device.
     *
     * @return false when the member is not faulty or still busy
     */
    public boolean removeMember(int role) throws IOException {
        io.uraid.io.BlockDevice d = array.remove(role);
        if (d == null) {
            return false;
        }
        release(d);
        return true;
    }

    /**
     * Removes the faulty device on {@code path} that left its role (replaced, or its role taken
     * by a spare; see {@link RaidArray#displaced}) and closes it.
     *
     * @return false when no such device is on {@code path}, or it is still busy
     */
    public synchronized boolean removeDisplaced(java.nio.file.Path path) throws IOException {
        for (io.uraid.core.array.Displaced x : array.displaced()) {
            if (samePath(x.member().device().path(), path)) {
                io.uraid.io.BlockDevice d = array.removeDisplaced(x.member().device());
                if (d == null) {
                    return false;
                }
                release(d);
                return true;
            }
        }
        return false;
    }

    /** True when {@code path} is a faulty device that left its role and waits to be removed. */
    public boolean isDisplaced(java.nio.file.Path path) {
        for (io.uraid.core.array.Displaced x : array.displaced()) {
            if (samePath(x.member().device().path(), path)) {
                return true;
            }
        }
        return false;
    }

    /** Closes a device that left the array, whichever way it came in. */
    private void release(io.uraid.io.BlockDevice d) throws IOException {
        devices.removeIf(m -> m.device() == d);
        added.remove(d);
        d.close();
    }

    /**
     * Takes the waiting spare on {@code path} out of the array ({@code mdadm --remove} of a
     * spare) and closes it; its superblock stays as it is (still a spare of this array).
     *
     * @return false when no spare waits on {@code path} (a spare that took a role is a member)
     */
    public synchronized boolean removeSpare(java.nio.file.Path path) throws IOException {
        io.uraid.io.BlockDevice d = redundancy.removeSpare(dev -> samePath(dev.path(), path));
        if (d == null) {
            return false;
        }
        added.remove(d);
        d.close();
        return true;
    }

    /** The superblock most recently written (or read) for the device in {@code role}, or null. */
    public MdSuperblock superblock(int role) {
        MdSuperblock sb = superblocks.current(role);
        return sb;
    }

    /** The superblock of the device being copied in to replace the member of {@code role}, or null. */
    public MdSuperblock replacementSuperblock(int role) {
        return superblocks.currentReplacement(role);
    }

    /** The member slot of {@code role}. */
    public Member member(int role) {
        return array.members()[role];
    }

    private final List<io.uraid.io.BlockDevice> added = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<Integer> spareSlots = new java.util.HashSet<>();

    /**
     * Adds {@code path} as a hot spare ({@code uraid add}): writes its superblock (role spare,
     * the first free slot) and a clean bitmap through {@code prepare}, an idle engine the caller
     * owns, then opens it in the array. Refuses a device with a foreign signature unless
     * {@code force}.
     */
    public synchronized void addSpare(java.nio.file.Path path, IoEngine prepare, boolean force) throws IOException {
        addSpare(path, prepare, force, 0);
    }

    /**
     * {@link #addSpare(java.nio.file.Path, IoEngine, boolean)} with md's devflags (write-mostly,
     * failfast) for the device: its superblock records them once it takes a role.
     */
    public synchronized void addSpare(java.nio.file.Path path, IoEngine prepare, boolean force, int devflags)
            throws IOException {
        Prepared p = prepareDevice(path, prepare, force);
        MdSuperblock sb = devflags == 0 ? p.superblock() : p.superblock().toBuilder().devflags(devflags).build();
        redundancy.addSpare(p.device(), sb.dataOffset() * 512, sb);
    }

    /** Hands a spare found at assembly to the array, which must not have started yet. */
    synchronized void adoptSpare(MemberDevice spare) {
        redundancy.addSpareBeforeStart(spare.device(), spare.superblock().dataOffset() * 512, spare.superblock());
        added.add(spare.device());
        spareSlots.add(spare.slot());
    }

    /**
     * {@code uraid replace NAME DEV --with SPARE}: copies the member of {@code role} onto
     * {@code spare} (prepared as for {@link #addSpare}) while it stays in service; see
     * {@link Redundancy#replace}. Returns false when the copy cannot start now.
     */
    public synchronized boolean replace(int role, java.nio.file.Path spare, IoEngine prepare, boolean force)
            throws IOException {
        Prepared p = prepareDevice(spare, prepare, force);
        return redundancy.replace(role, p.device(), p.superblock().dataOffset() * 512, p.superblock());
    }

    private record Prepared(io.uraid.io.BlockDevice device, MdSuperblock superblock) {
    }

    private Prepared prepareDevice(java.nio.file.Path path, IoEngine prepare, boolean force) throws IOException {
        for (Redundancy.WaitingSpare w : redundancy.waitingSpares()) {
            if (samePath(w.device().path(), path)) {
                throw new IOException(path + " is already a spare of " + array.name());
            }
        }
        MdSuperblock base = null;
        java.util.Set<Integer> used = new java.util.HashSet<>(spareSlots);
        used.addAll(superblocks.retiredNumbers()); // a faulty device not yet removed keeps its number
        for (int r = 0; r < array.members().length; r++) {
            MdSuperblock sb = superblocks.current(r);
            if (sb != null) {
                used.add(sb.devNumber());
                if (base == null || member(r).inSync()) {
                    base = sb;
                }
            }
        }
        if (base == null) {
            throw new IOException(array.name() + ": no member superblock to base a new member on");
        }
        var bitmap = redundancy.bitmap();
        MdSuperblock sb = SparePreparer.prepare(prepare, path, base, used, bitmap == null ? null : bitmap.header(), force);
        io.uraid.io.BlockDevice dev;
        if (DevicePaths.isRemote(path)) {
            // Connecting (TCP, TLS) takes a while and touches no issuer state: not on the dispatcher.
            dev = ArrayClaim.open(engine, path, io.uraid.io.OpenOptions.DEFAULT);
        } else {
            dev = openOnDispatcher(path);
        }
        added.add(dev);
        spareSlots.add(sb.devNumber());
        return new Prepared(dev, sb);
    }

    private io.uraid.io.BlockDevice openOnDispatcher(java.nio.file.Path path) throws IOException {
        try {
            // The dispatcher is the engine's only issuer: open the device there.
            return array.callOnDispatcher(() -> {
                try {
                    return ArrayClaim.open(engine, path, io.uraid.io.OpenOptions.DEFAULT);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static boolean samePath(java.nio.file.Path a, java.nio.file.Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** After the stop: the waiting spares' superblocks follow the members' last one (md does the same). */
    private void refreshSpareSuperblocks() {
        MdSuperblock newest = null;
        for (int r = 0; r < array.members().length; r++) {
            MdSuperblock sb = superblocks.current(r);
            if (sb != null && member(r).inSync() && (newest == null || sb.events() > newest.events())) {
                newest = sb;
            }
        }
        if (newest == null) {
            return;
        }
        for (Redundancy.WaitingSpare w : redundancy.waitingSpares()) {
            try {
                SparePreparer.refresh(engine, w.device(), w.superblock(), newest);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, w.device().path() + ": spare superblock not updated; it is still taken "
                        + "back as a spare", e);
            }
        }
    }

    /**
     * Re-adds the failed member of {@code role} ({@code mdadm --re-add}); see {@link Redundancy#reAdd}.
     * A remote member that failed because its connection broke is reconnected first, and must
     * still be the member that left: its superblock names this array and this device, and its
     * events are within the bitmap's reach (not older than the last bits it cleared), so the
     * chunks the bitmap marks are all that is copied.
     *
     * @return false when the member is not faulty or a sync pass is running
     * @throws IOException when a remote member cannot be reached, or is no longer that member
     */
    public boolean reAdd(int role) throws IOException {
        io.uraid.io.BlockDevice d = member(role).device();
        if (d != null && DevicePaths.isRemote(d.path()) && member(role).state() == MemberState.FAULTY) {
            d.reconnect();
            checkStillTheMember(role, d.path());
        }
        return redundancy.reAdd(role, superblocks.current(role));
    }

    private void checkStillTheMember(int role, java.nio.file.Path path) throws IOException {
        MdSuperblock was = superblocks.current(role);
        MdSuperblock now = MemberExaminer.readV1(path);
        if (was == null) {
            return;
        }
        if (now == null || !java.util.Arrays.equals(now.setUuid(), was.setUuid())
                || !java.util.Arrays.equals(now.deviceUuid(), was.deviceUuid())) {
            throw new IOException(path + " is no longer the member that left " + array.name() + " (its superblock "
                    + (now == null ? "is gone" : "belongs to another array or device") + "); remove it and add it "
                    + "again to rebuild it in full");
        }
        var bitmap = redundancy.bitmap();
        if (bitmap != null && now.events() < bitmap.header().eventsCleared()) {
            throw new IOException(path + " is too old for the bitmap (events " + now.events() + " < "
                    + bitmap.header().eventsCleared() + "); remove it and add it again to rebuild it in full");
        }
    }

    /** Bitmap, resync, check and repair of the array. */
    public Redundancy redundancy() {
        return redundancy;
    }

    @Override
    public void close() {
        try {
            stopAndRelease();
        } finally {
            claim.close(); // last: until here the array's devices were in use
        }
    }

    private void stopAndRelease() {
        array.close();
        refreshSpareSuperblocks();
        redundancy.free();
        for (io.uraid.io.BlockDevice d : added) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, d.path() + ": close failed", e);
            }
        }
        for (MemberDevice d : devices) {
            try {
                d.device().close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, d.device().path() + ": close failed", e);
            }
        }
        engine.close();
    }
}
