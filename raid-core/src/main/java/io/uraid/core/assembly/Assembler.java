package io.uraid.core.assembly;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.core.spi.StartLog;
import io.uraid.core.sync.Redundancy;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Assembles an array from its members, as {@code mdadm --assemble} does: reads each member's
 * v1.2 superblock, refuses members of other arrays and foreign devices, claims the array and
 * its members ({@link MemberClaims}), keeps the members the newest superblock lists as active
 * and current ({@link Placement}), and starts the array: degraded only when asked to run, or
 * when its superblocks already record the missing roles (md's rule). A degraded start records
 * the absent roles, so a device that comes back after the array ran without it is left out.
 */
public final class Assembler {
    private static final Logger LOG = Logger.getLogger(Assembler.class.getName());
    private static final long SECTOR = 512;
    /** Legs in flight per array (the engine's queue depth). */
    public static final int ENGINE_ENTRIES = 512;

    private Assembler() {
    }

    /**
     * Assembles and starts the array on {@code paths}. The engine passes to the returned
     * {@link OpenArray}, which closes it; on failure the engine is closed here. Nothing is
     * written to any device before it is accepted as a member ({@link MemberClaims}); devices
     * not taken are listed by {@link OpenArray#leftOut()} with the reason.
     */
    public static OpenArray assemble(List<Path> paths, AssembleOptions options, IoEngine engine) throws IOException {
        return assemble(paths, options, engine, open -> { });
    }

    /**
     * As {@link #assemble(List, AssembleOptions, IoEngine)}, handing the assembled array to
     * {@code beforeStart} just before it starts, while nothing runs on it yet (to register a
     * {@link io.uraid.core.array.StateObserver} that must see its first state).
     */
    public static OpenArray assemble(List<Path> paths, AssembleOptions options, IoEngine engine,
                                     java.util.function.Consumer<OpenArray> beforeStart) throws IOException {
        List<LeftOut> leftOut = new ArrayList<>();
        MemberClaims.Claimed claimed;
        try {
            claimed = MemberClaims.claim(paths, options, engine, leftOut);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        try {
            return start(claimed.members(), options, engine, leftOut, claimed.claim(), beforeStart);
        } catch (IOException | RuntimeException e) {
            for (MemberDevice m : claimed.members()) {
                m.device().close();
            }
            engine.close();
            claimed.claim().close();
            if (e instanceof IOException && !leftOut.isEmpty()) {
                // Whoever asked hears why the members that would have been enough were not taken.
                StringBuilder why = new StringBuilder(e.getMessage());
                leftOut.forEach(l -> why.append("; ").append(l));
                throw new IOException(why.toString(), e);
            }
            throw e;
        }
    }

    /** Reads and checks the v1.2 superblock of {@code dev}. */
    public static MdSuperblock readSuperblock(IoEngine engine, BlockDevice dev) throws IOException {
        try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
            SyncIo.read(engine, dev, 8 * SECTOR, block.address(), MdConstants.SUPERBLOCK_BYTES);
            if (!MdSuperblock.isV1(block.view())) {
                throw new IOException(dev.path() + ": no md v1.2 superblock (not a uraid/md member)");
            }
            MdSuperblock sb = MdSuperblock.decode(block.view());
            if (!sb.checksumValid()) {
                throw new IOException(dev.path() + ": md superblock checksum is wrong (expected "
                        + Integer.toHexString(sb.expectedChecksum()) + ", found " + Integer.toHexString(sb.sbCsum()) + ")");
            }
            if (sb.superOffset() != 8) {
                throw new IOException(dev.path() + ": superblock records offset " + sb.superOffset() + ", not 8 (1.2)");
            }
            int known = MdConstants.FEATURE_RAID0_LAYOUT | MdConstants.FEATURE_BITMAP_OFFSET
                    | MdConstants.FEATURE_RECOVERY_OFFSET | MdConstants.FEATURE_REPLACEMENT
                    | MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS;
            if ((sb.featureMap() & ~known) != 0) {
                throw new IOException(dev.path() + ": md features 0x" + Integer.toHexString(sb.featureMap())
                        + " (bitmap, reshape, journal...) are not supported yet");
            }
            return sb;
        }
    }

    private static OpenArray start(List<MemberDevice> found, AssembleOptions options, IoEngine engine,
                                   List<LeftOut> leftOut, ArrayClaim claim,
                                   java.util.function.Consumer<OpenArray> beforeStart) throws IOException {
        Placement place = Placement.of(found, leftOut);
        MdSuperblock newest = place.newest;
        RaidLevel level = LevelRegistry.byMdLevel(newest.level());
        int disks = place.disks;
        MemberDevice[] byRole = place.byRole;
        MemberDevice[] replacing = place.replacing;
        boolean readOnly = options.readOnly();
        if (readOnly) {
            leaveWhatOnlyWritersUse(place, leftOut);
        }
        Geometry geometry = geometry(newest, level, byRole);
        Member[] members = new Member[disks];
        MdSuperblock[] sbs = new MdSuperblock[disks];
        long working = 0;
        long[] rebuildFrom = new long[disks];
        int present = 0;
        for (int r = 0; r < disks; r++) {
            MemberDevice m = byRole[r];
            rebuildFrom[r] = m == null ? -1 : rebuildFrom(m.superblock(), m.slot());
            long dataOffset = m == null ? 0 : m.superblock().dataOffset() * SECTOR;
            members[r] = rebuildFrom[r] >= 0 ? new Member(r, m.device(), dataOffset, rebuildFrom[r])
                    : new Member(r, m == null ? null : m.device(), dataOffset, MemberState.IN_SYNC);
            sbs[r] = m == null ? null : m.superblock();
            if (m != null) {
                members[r].withDevflags(m.superblock().devflags()); // write-mostly, failfast
                present++;
                if (rebuildFrom[r] < 0) {
                    working |= 1L << r;
                }
            }
        }
        String name = arrayName(newest);
        checkStartable(level, geometry, working, present, place.expectedRoles(), disks, options.run(), name);
        StartLog startLog = startLog(newest, name);
        if (startLog != null) {
            leaveUnfitSpares(place, startLog, name, leftOut);
        }
        checkDirtyDegraded(level, geometry, working, sbs, options.force() || startLog != null, name);
        BlockDevice[] devices = new BlockDevice[disks];
        boolean[] inSync = new boolean[disks];
        for (int r = 0; r < disks; r++) {
            devices[r] = members[r].device();
            inSync[r] = devices[r] != null && rebuildFrom[r] < 0;
        }
        if (startLog != null && !readOnly && startLog.recover(sbs, devices, inSync, engine)) {
            markClean(sbs, engine, devices, name);
        }
        MdSuperblockWriter writer = new MdSuperblockWriter(sbs);
        if (!readOnly) {
            for (int r = 0; r < disks; r++) {
                if (rebuildFrom[r] >= 0) {
                    writer.install(r, sbs[r]); // every table, its own included, names it in the role
                }
                if (replacing[r] != null) {
                    writer.installReplacement(r, replacing[r].superblock());
                }
            }
            recordAbsent(place, writer, level);
        }
        // Read-only: the table still answers status questions, but the array never writes it.
        RaidArray array = new RaidArray(name, level, geometry, members, engine, ENGINE_ENTRIES,
                options.options(), readOnly ? null : writer, newest.events());
        Redundancy redundancy;
        try {
            if (startLog != null && !readOnly) {
                startLog.attach(array.levelIo(), sbs, devices);
            }
            redundancy = readOnly ? Redundancy.none(array)
                    : Redundancy.attach(array, engine, sbs, options.redundancy());
        } catch (IOException | RuntimeException e) {
            array.close();
            throw e;
        }
        OpenArray open = new OpenArray(array, engine, place.used, writer, redundancy, leftOut, claim);
        for (int r = 0; r < disks; r++) {
            if (rebuildFrom[r] >= 0) {
                LOG.info(byRole[r].device().path() + ": role " + r + " was being rebuilt; resuming at sector "
                        + rebuildFrom[r] / SECTOR);
                redundancy.resumeRebuildBeforeStart(r, byRole[r].superblock(), rebuildFrom[r]);
            }
            MemberDevice rep = replacing[r];
            if (rep != null) {
                long from = rep.superblock().hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET)
                        ? rep.superblock().recoveryOffset() * SECTOR : 0;
                LOG.info(rep.device().path() + ": was replacing role " + r + "; resuming the copy at sector "
                        + from / SECTOR);
                redundancy.resumeReplaceBeforeStart(r, rep.device(), rep.superblock().dataOffset() * SECTOR,
                        rep.superblock(), from);
            }
        }
        for (MemberDevice m : place.spares.values()) {
            if (redundancy.sync() == null) {
                Placement.leave(m, "a spare of " + level.name() + " " + name + ", which cannot rebuild", leftOut);
            } else {
                open.adoptSpare(m);
            }
        }
        try {
            beforeStart.accept(open);
        } catch (RuntimeException e) {
            array.close();
            redundancy.free();
            throw e;
        }
        array.start();
        return open;
    }

    /** md refuses a role to a device that cannot keep the array's log (its area runs into its data, say). */
    private static void leaveUnfitSpares(Placement place, StartLog log, String name, List<LeftOut> leftOut) {
        for (var it = place.spares.values().iterator(); it.hasNext(); ) {
            MemberDevice m = it.next();
            String unfit = log.unfit(m.superblock());
            if (unfit != null) {
                it.remove();
                Placement.leave(m, "a spare that cannot keep the log of " + name + ": " + unfit, leftOut);
            }
        }
    }

    /**
     * A read-only assembly writes nothing, so it cannot carry on a rebuild or a replacement, nor
     * use a spare: those devices stay out (their data is not needed to read the array).
     */
    private static void leaveWhatOnlyWritersUse(Placement place, List<LeftOut> leftOut) {
        for (int r = 0; r < place.disks; r++) {
            MemberDevice m = place.byRole[r];
            if (m != null && rebuildFrom(m.superblock(), m.slot()) >= 0) {
                place.byRole[r] = null;
                place.used.remove(m);
                Placement.leave(m, "being rebuilt; a read-only assembly does not read it", leftOut);
            }
            MemberDevice rep = place.replacing[r];
            if (rep != null) {
                place.replacing[r] = null;
                place.used.remove(rep);
                Placement.leave(rep, "replacing role " + r + "; a read-only assembly does not read it", leftOut);
            }
        }
        for (MemberDevice m : place.spares.values()) {
            Placement.leave(m, "a spare; a read-only assembly does not use it", leftOut);
        }
        place.spares.clear();
    }

    /**
     * The first superblock update lists the roles without a device as missing, as md does when
     * it starts an array degraded: should the absent device come back later, with its own
     * writes or without, it is not taken as current (see {@link Placement#absentSlots}).
     */
    private static void recordAbsent(Placement place, MdSuperblockWriter writer, RaidLevel level) {
        java.util.Set<Integer> present = new java.util.HashSet<>();
        for (MemberDevice m : place.used) {
            present.add(m.slot());
        }
        present.addAll(place.spares.keySet());
        for (int slot : place.absentSlots(present)) {
            writer.recordAbsent(slot);
            int role = place.newest.devRole(slot);
            if (role < place.disks) {
                LOG.warning(arrayName(place.newest) + ": " + level.name() + " role " + role
                        + " has no member; starting degraded, which the superblocks now record");
            }
        }
    }

    /**
     * Where the rebuild of a member resumes (bytes of its data area), or -1 for a member in sync:
     * md's recovery_offset when its superblock carries one; 0 when its own table still calls it
     * a spare while the newest table gave it a role (a crash between the two superblock writes
     * when it took the role: it holds nothing yet).
     */
    private static long rebuildFrom(MdSuperblock own, int slot) {
        if (own.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET)) {
            return own.recoveryOffset() * SECTOR;
        }
        return own.devRole(slot) == MdConstants.ROLE_SPARE ? 0 : -1;
    }

    private static Geometry geometry(MdSuperblock sb, RaidLevel level, MemberDevice[] byRole) throws IOException {
        int disks = byRole.length;
        long[] bytes = new long[disks];
        for (int r = 0; r < disks; r++) {
            if (level.memberSizing() == RaidLevel.MemberSizing.OWN) {
                // Striped levels use each member's own data_size (md: rdev->sectors).
                if (byRole[r] == null) {
                    throw new IOException(level.name() + " array " + arrayName(sb) + " is missing role " + r
                            + "; it has no redundancy and cannot start");
                }
                bytes[r] = byRole[r].superblock().dataSize() * SECTOR;
            } else {
                bytes[r] = sb.size() * SECTOR;
            }
        }
        try {
            Geometry g = new Geometry(level.mdLevel(), layoutWord(sb), sb.chunkSize() * (int) SECTOR, bytes);
            level.layout(g);
            return g;
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot assemble " + arrayName(sb) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The layout word as md reads it: a raid0 superblock without feature bit 4096 records no
     * layout (Linux 5.4+ takes it as unset), which uraid passes on as 0.
     */
    private static int layoutWord(MdSuperblock sb) {
        return sb.level() == 0 && !sb.hasFeature(MdConstants.FEATURE_RAID0_LAYOUT) ? 0 : sb.layout();
    }

    /**
     * md's rule: an array whose newest superblock already records roles as missing starts
     * without them; a member it expects that is not there needs --run (start degraded).
     */
    private static void checkStartable(RaidLevel level, Geometry g, long working, int present, int expected,
                                       int disks, boolean run, String name) throws IOException {
        if (level.failedArray(g, working)) {
            throw new IOException(name + ": only " + Long.bitCount(working) + " of " + disks + " members present and "
                    + "in sync; " + level.name() + " cannot serve its data without the missing ones");
        }
        if (present < expected && !run) {
            throw new IOException(name + ": " + present + " of " + disks + " members present; use --run to start "
                    + "it degraded");
        }
    }

    /**
     * md's rule for raid4/5/6 (raid5_run: "cannot start dirty degraded array"): an array that
     * stopped unclean may hold stripes whose parity does not match their data, and with a member
     * missing those stripes' missing chunks would be rebuilt wrong; it starts only when forced.
     */
    private static void checkDirtyDegraded(RaidLevel level, Geometry g, long working, MdSuperblock[] sbs,
                                           boolean force, String name) throws IOException {
        int lvl = level.mdLevel();
        if (force || (lvl != 4 && lvl != 5 && lvl != 6)) {
            return;
        }
        boolean degraded = Long.bitCount(working) < g.raidDisks();
        boolean dirty = false;
        for (int r = 0; r < sbs.length; r++) {
            if (sbs[r] != null && (working & 1L << r) != 0) {
                dirty |= sbs[r].resyncOffset() != MdConstants.RESYNC_DONE;
            }
        }
        if (dirty && degraded) {
            throw new IOException(name + ": " + level.name() + " array is dirty and degraded, so parity may not match "
                    + "the data the missing members held; use --force to start it anyway");
        }
    }

    /**
     * The log the array keeps against the write hole (md's raid5 PPL; md starts a dirty degraded
     * array that has one, recovering what its log covers), or null; an array whose superblocks
     * say it keeps a log uraid cannot read does not start.
     */
    private static StartLog startLog(MdSuperblock newest, String name) throws IOException {
        if ((newest.featureMap() & (MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS)) == 0) {
            return null;
        }
        StartLog log = StartLog.of(newest);
        if (log == null) {
            throw new IOException(name + ": keeps a partial parity log this uraid cannot read");
        }
        return log;
    }

    /**
     * The log recovered a dirty array: its superblocks say clean from now on (md sets the array
     * in sync after a PPL recovery without mismatches), so no resync is started.
     */
    private static void markClean(MdSuperblock[] sbs, IoEngine engine, BlockDevice[] devices, String name)
            throws IOException {
        LOG.info(name + ": partial parity log replayed; the array is in sync");
        try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
            for (int r = 0; r < sbs.length; r++) {
                if (sbs[r] == null || devices[r] == null) {
                    continue;
                }
                sbs[r] = sbs[r].with(b -> b.resyncOffset(MdConstants.RESYNC_DONE));
                block.view().put(sbs[r].encode());
                SyncIo.write(engine, devices[r], sbs[r].superOffset() * SECTOR, block.address(),
                        MdConstants.SUPERBLOCK_BYTES, true);
            }
        }
    }

    /** The array name without the "homehost:" prefix. */
    public static String arrayName(MdSuperblock sb) {
        String n = sb.setName();
        int colon = n.indexOf(':');
        return colon >= 0 ? n.substring(colon + 1) : n;
    }
}
