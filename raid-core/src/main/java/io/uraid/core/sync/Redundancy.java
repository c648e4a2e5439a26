package io.uraid.core.sync;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.io.BlockDevice;
import io.uraid.core.array.RaidArray;
import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.bitmap.WriteIntentBitmap;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The redundancy features of one assembled array: its write-intent bitmap (when the members
 * have one) and its background sync engine (mirrored levels). Built by the assembler before
 * the array starts; it decides whether the array owes a resync: the dirty bitmap chunks, or,
 * without a bitmap, the whole array after an unclean stop.
 */
public final class Redundancy {
    private static final Logger LOG = Logger.getLogger(Redundancy.class.getName());
    private static final long SECTOR = 512;

    private final RaidArray array;
    private final WriteIntentBitmap bitmap;
    private final SyncEngine sync;
    private final SpareRebuilder spares;

    private Redundancy(RaidArray array, WriteIntentBitmap bitmap, SyncEngine sync) {
        this.array = array;
        this.bitmap = bitmap;
        this.sync = sync;
        this.spares = sync == null ? null : new SpareRebuilder(sync);
    }

    /**
     * Reads the members' bitmaps and registers bitmap and sync engine with {@code array}, which
     * must not have started. {@code superblocks[role]} is null for missing roles.
     *
     * @param engine the array's engine, still idle
     */
    public static Redundancy attach(RaidArray array, IoEngine engine, MdSuperblock[] superblocks,
                                    RedundancyOptions options) throws IOException {
        if (!array.level().redundant()) {
            return new Redundancy(array, null, null);
        }
        Member[] members = array.members();
        boolean unclean = false;
        long resyncFrom = Long.MAX_VALUE; // bytes: the lowest resync_offset of the copies in sync
        BitmapImage dirty = null;
        MdSuperblock any = null;
        for (int r = 0; r < members.length; r++) {
            MdSuperblock sb = superblocks[r];
            if (sb == null || members[r].device() == null || !members[r].inSync()) {
                // A member being rebuilt holds no copy to trust yet: its clean mark and bitmap
                // say nothing about the others.
                continue;
            }
            any = sb;
            if (sb.resyncOffset() != MdConstants.RESYNC_DONE) {
                unclean = true;
                // md's units: member sectors of stripe rows for raid4/5/6
                resyncFrom = Math.min(resyncFrom, array.layout().arrayBelow(sb.resyncOffset() * SECTOR));
            }
            if (sb.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
                BitmapImage img = readBitmap(engine, members[r], sb);
                if (dirty == null) {
                    dirty = img;
                } else {
                    dirty.or(img); // a crash may have left a bit on one member only
                }
            }
        }
        WriteIntentBitmap bitmap = null;
        if (dirty != null) {
            long at = (any.superOffset() + any.bitmapOffset()) * SECTOR;
            int scale = array.layout().syncScale();
            int chunk = array.geometry().chunkBytes();
            if (scale > 1 && dirty.header().chunkSize() % chunk != 0) {
                throw new IOException(array.name() + ": bitmap chunk " + dirty.header().chunkSize()
                        + " is smaller than the array's chunk " + chunk + "; uraid needs whole stripes per bit");
            }
            bitmap = new WriteIntentBitmap(dirty.header(), at, dirty, array.blockSize(),
                    TimeUnit.MILLISECONDS.toNanos(options.bitmapClearDelayMillis()), scale);
        }
        SyncEngine sync = new SyncEngine(array.layout(), array.levelIo(), bitmap,
                new Throttle(options.syncMinBytesPerSecond(), options.syncMaxBytesPerSecond()));
        if (bitmap != null) {
            array.addTask(bitmap);
            array.addGate(bitmap);
            // md's write-behind lives in the bitmap superblock and needs the bitmap's bits to
            // cover the writes still in flight to write-mostly members.
            array.setWriteBehind(dirty.header().writeBehind());
        }
        array.addTask(sync);
        array.addGate(sync);
        array.registerMemory(sync.bufferRegion()); // window reads and writes go out on fixed buffers
        array.setReadSteer(sync);
        Redundancy red = new Redundancy(array, bitmap, sync);
        array.addTask(red.spares);
        if (bitmap != null || unclean) {
            // With a bitmap the dirty chunks are resynced whatever the clean mark says (md does
            // the same); without one, only an unclean stop calls for a (full) resync.
            red.syncBeforeStart(unclean ? resyncFrom : 0);
        }
        return red;
    }

    /**
     * No bitmap and no sync engine: for an array that must not write (a read-only assembly).
     * Nothing is registered with {@code array}.
     */
    public static Redundancy none(RaidArray array) {
        return new Redundancy(array, null, null);
    }

    /** @param from bytes below which the members say the copies agree (used without a bitmap) */
    private void syncBeforeStart(long from) {
        array.callBeforeStart(io -> sync.beginResync(io, from));
    }

    private static BitmapImage readBitmap(IoEngine engine, Member m, MdSuperblock sb) throws IOException {
        long at = (sb.superOffset() + sb.bitmapOffset()) * SECTOR;
        BitmapSuperblock header;
        try (NativeBuffer first = NativeBuffer.allocate(4096)) {
            SyncIo.read(engine, m.device(), at, first.address(), 4096);
            header = BitmapSuperblock.decode(first.view());
        }
        if (!header.matches(sb.setUuid()) || header.version() != BitmapSuperblock.VERSION_HI
                || Integer.bitCount(header.chunkSize()) != 1) {
            throw new IOException(m.device().path() + ": bitmap at sector " + at / SECTOR + " is not a valid "
                    + "version-4 md bitmap of this array (" + header + ")");
        }
        int bytes = BitmapImage.areaBytes(header, 4096);
        try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
            SyncIo.read(engine, m.device(), at, area.address(), bytes);
            BitmapImage img = BitmapImage.decode(area.view());
            if ((header.state() & BitmapSuperblock.STATE_STALE) != 0) {
                LOG.warning(m.device().path() + ": bitmap marked stale: every chunk will be resynced");
                for (long c = 0; c < img.bitCount(); c++) {
                    img.set(c);
                }
            }
            return img;
        }
    }

    /** The write-intent bitmap, or null when the array has none. */
    public WriteIntentBitmap bitmap() {
        return bitmap;
    }

    /** The sync engine, or null for levels without redundancy. */
    public SyncEngine sync() {
        return sync;
    }

    /** Progress of resync/check/repair (idle status without a sync engine). */
    public SyncStatus syncStatus() {
        return sync == null ? new SyncStatus(SyncAction.IDLE, 0, 0, 0, -1, 0, SyncAction.IDLE, true)
                : sync.status();
    }

    /**
     * Starts a check or repair (md's sync_action). Returns false when a pass is already running.
     *
     * @throws IllegalStateException for a level without redundancy
     */
    public boolean request(SyncAction action) {
        if (sync == null) {
            throw new IllegalStateException(array.name() + ": " + array.level().name() + " has no redundancy to "
                    + action.mdName());
        }
        return array.callOnDispatcher(() -> array.withIo(io -> sync.begin(action, io)));
    }

    /**
     * Adds a hot spare: an open device whose superblock (role spare, a free slot of this array)
     * and bitmap are already written. It takes the role of the next member that fails, or of a
     * role already without a working member, and is rebuilt in the background. A role free now
     * is taken before this returns (status shows the recovery begun, as mdstat does once mdadm
     * --add has returned).
     */
    public void addSpare(BlockDevice device, long dataOffset, MdSuperblock superblock) {
        requireRedundant("add a spare");
        array.callOnDispatcher(() -> array.withIo(io -> {
            spares.add(new SpareRebuilder.Spare(device, dataOffset, superblock));
            spares.pump(io);
            return null;
        }));
    }

    /**
     * Takes back a spare found at assembly (its own superblock says spare, like the newest
     * member's table): as {@link #addSpare}, before the array starts.
     */
    public void addSpareBeforeStart(BlockDevice device, long dataOffset, MdSuperblock superblock) {
        requireRedundant("add a spare");
        array.callBeforeStart(io -> spares.add(new SpareRebuilder.Spare(device, dataOffset, superblock)));
    }

    /**
     * A member assembled in state REBUILDING (its superblock carries md's recovery_offset):
     * its rebuild resumes at {@code from} bytes of its data area once the array has started and
     * any resync owed has run. {@code superblock} is the device's own.
     */
    public void resumeRebuildBeforeStart(int role, MdSuperblock superblock, long from) {
        requireRedundant("rebuild a member");
        array.callBeforeStart(io -> spares.resume(new SpareRebuilder.Resume(role, superblock, from, false)));
    }

    /**
     * A device assembled as the replacement of the member in {@code role} (its superblock has
     * md's replacement feature): it is installed as such and its copy resumes at {@code from}
     * bytes of its data area, like {@link #resumeRebuildBeforeStart}.
     */
    public void resumeReplaceBeforeStart(int role, BlockDevice device, long dataOffset, MdSuperblock superblock,
                                         long from) {
        requireRedundant("replace a member");
        array.callBeforeStart(io -> {
            io.installReplacement(role, device, dataOffset, superblock);
            spares.resume(new SpareRebuilder.Resume(role, superblock, from, true));
        });
    }

    /**
     * Takes a waiting spare out ({@code mdadm --remove} of a spare). Returns its device, which
     * the caller closes, or null when no spare waits on a device {@code which} accepts.
     */
    public BlockDevice removeSpare(java.util.function.Predicate<BlockDevice> which) {
        if (spares == null) {
            return null;
        }
        return array.callOnDispatcher(() -> spares.remove(which));
    }

    /** A hot spare waiting for a role: its device and its superblock (role spare). */
    public record WaitingSpare(BlockDevice device, MdSuperblock superblock) {
    }

    /** The spares waiting for a role, in the order they will be taken (md's "spare" rows). */
    public java.util.List<WaitingSpare> waitingSpares() {
        return spares == null ? java.util.List.of()
                : spares.waiting().stream().map(s -> new WaitingSpare(s.device(), s.superblock())).toList();
    }

    /** Spares waiting for a role. */
    public int spareCount() {
        return spares == null ? 0 : spares.spareCount();
    }

    /**
     * Re-adds the failed member of {@code role} (same device, still open): with a bitmap only
     * the chunks written since it failed are rebuilt, else all of it. {@code superblock} is its
     * own superblock. Returns false when the role's member is not failed or a pass is running.
     */
    public boolean reAdd(int role, MdSuperblock superblock) {
        requireRedundant("re-add a member");
        return array.callOnDispatcher(() -> array.withIo(io -> {
            Member m = io.member(role);
            if (m.state() != MemberState.FAULTY || m.device() == null || m.pendingLegs() > 0
                    || sync.status().running()) {
                return false;
            }
            io.installRebuilding(role, m.device(), m.dataOffset(), superblock);
            return sync.beginRecover(io, role, superblock, true, false, 0);
        }));
    }

    /**
     * Copies the member of {@code role} onto {@code device} (prepared like a spare) while the
     * member stays in service ({@code mdadm --replace}); when the copy is complete the device
     * takes the role and the old member is marked faulty. Returns false when a pass is running
     * or the role has no working member.
     */
    public boolean replace(int role, BlockDevice device, long dataOffset, MdSuperblock superblock) {
        requireRedundant("replace a member");
        return array.callOnDispatcher(() -> array.withIo(io -> {
            if (!io.member(role).inSync() || io.slot(role + io.raidDisks()) != io.member(role)
                    || sync.status().running()) {
                return false;
            }
            io.installReplacement(role, device, dataOffset, superblock);
            return sync.beginRecover(io, role, superblock, false, true, 0);
        }));
    }

    private void requireRedundant(String what) {
        if (sync == null) {
            throw new IllegalStateException(array.name() + ": cannot " + what + " to " + array.level().name());
        }
    }

    /** Stops a running check or repair after its current window. */
    public void stopSync() {
        if (sync != null) {
            array.callOnDispatcher(() -> {
                sync.stop();
                return null;
            });
        }
    }

    /** Waits until no sync pass runs or waits to run (a rebuild to resume); false on timeout. */
    public boolean awaitSyncIdle(long timeoutMillis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (syncStatus().running() || spares != null && spares.resumePending()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Frees native buffers; after the array has stopped. */
    public void free() {
        if (bitmap != null) {
            bitmap.free();
        }
        if (sync != null) {
            sync.free();
        }
    }
}
