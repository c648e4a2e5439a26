package io.uraid.core.assembly;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.core.sync.Redundancy;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Assembles an array from its members, as {@code mdadm --assemble} does: reads each member's
 * v1.2 superblock, refuses members of other arrays and foreign devices, keeps the members with
 * the newest events count, places each by its role, and starts the array (degraded only when
 * asked to run).
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
     * {@link OpenArray}, which closes it; on failure the engine is closed here.
     */
    public static OpenArray assemble(List<Path> paths, AssembleOptions options, IoEngine engine) throws IOException {
        List<MemberDevice> found = new ArrayList<>();
        try {
            for (Path p : paths) {
                BlockDevice d = engine.open(p, OpenOptions.DEFAULT);
                try {
                    found.add(new MemberDevice(d, readSuperblock(engine, d)));
                } catch (IOException | RuntimeException e) {
                    d.close();
                    throw e;
                }
            }
            return start(found, options, engine);
        } catch (IOException | RuntimeException e) {
            for (MemberDevice m : found) {
                m.device().close();
            }
            engine.close();
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
                    | MdConstants.FEATURE_RECOVERY_OFFSET | MdConstants.FEATURE_REPLACEMENT;
            if ((sb.featureMap() & ~known) != 0) {
                throw new IOException(dev.path() + ": md features 0x" + Integer.toHexString(sb.featureMap())
                        + " (bitmap, reshape, journal...) are not supported yet");
            }
            return sb;
        }
    }

    private static OpenArray start(List<MemberDevice> found, AssembleOptions options, IoEngine engine)
            throws IOException {
        checkOneArray(found);
        MdSuperblock newest = found.get(0).superblock();
        for (MemberDevice m : found) {
            if (m.superblock().events() > newest.events()) {
                newest = m.superblock();
            }
        }
        RaidLevel level = LevelRegistry.byMdLevel(newest.level());
        int disks = newest.raidDisks();
        MemberDevice[] byRole = new MemberDevice[disks];
        MemberDevice[] replacing = new MemberDevice[disks];
        List<MemberDevice> halfJoined = new ArrayList<>();
        List<MemberDevice> used = new ArrayList<>();
        Map<Integer, MemberDevice> spares = new java.util.TreeMap<>();
        for (MemberDevice m : found) {
            int role = newest.devRole(m.slot());
            String dev = m.device().path().toString();
            if (isSpare(m, role)) {
                // A spare holds no data, so its events may lag (a stop cut short before its
                // superblock was refreshed), as the kernel allows; the newest table must still
                // call its slot spare.
                MemberDevice other = spares.put(m.slot(), m);
                if (other != null) {
                    throw new IOException(dev + " and " + other.device().path() + " both claim spare slot " + m.slot());
                }
                continue;
            }
            // One event behind is a superblock update cut short by a crash: md (kernel and mdadm)
            // still takes such a member; its role comes from the newest superblock, so a member
            // that update declared faulty stays out, and the resync evens out the rest.
            if (m.superblock().events() + 1 < newest.events()) {
                LOG.warning(dev + ": stale (events " + m.superblock().events() + " < " + newest.events()
                        + "), not assembled; add it back to resync it");
                m.device().close();
            } else if (role >= MdConstants.ROLE_MAX) {
                LOG.warning(dev + ": is " + (role == MdConstants.ROLE_FAULTY ? "faulty" : "a spare")
                        + " in this array; not assembled as an active member");
                m.device().close();
            } else if (role >= disks) {
                throw new IOException(dev + ": role " + role + " is outside the array's " + disks + " raid devices");
            } else if (joinedBeforeItsOwnUpdate(m)) {
                halfJoined.add(m);
            } else if (m.superblock().hasFeature(MdConstants.FEATURE_REPLACEMENT)) {
                if (replacing[role] != null) {
                    throw new IOException(dev + " and " + replacing[role].device().path() + " both replace role " + role);
                }
                replacing[role] = m;
                used.add(m);
            } else if (byRole[role] != null) {
                throw new IOException(dev + " and " + byRole[role].device().path() + " both claim role " + role);
            } else {
                byRole[role] = m;
                used.add(m);
            }
        }
        for (MemberDevice m : used) {
            if (spares.containsKey(m.slot())) {
                throw new IOException(spares.get(m.slot()).device().path() + " claims slot " + m.slot()
                        + " of active member " + m.device().path());
            }
        }
        for (MemberDevice m : halfJoined) {
            // A crash cut short the update that gave it a role: it holds nothing yet. It is the
            // role's member being rebuilt (from 0) if the role is free, else a spare again.
            int role = newest.devRole(m.slot());
            if (byRole[role] == null) {
                byRole[role] = m;
                used.add(m);
            } else if (spares.putIfAbsent(m.slot(), m) != null) {
                throw new IOException(m.device().path() + " and " + spares.get(m.slot()).device().path()
                        + " both claim slot " + m.slot());
            }
        }
        for (int r = 0; r < disks; r++) {
            if (replacing[r] != null && byRole[r] == null) {
                byRole[r] = replacing[r]; // the member it replaced is gone: it is the role's member being rebuilt
                replacing[r] = null;
            }
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
                present++;
                if (rebuildFrom[r] < 0) {
                    working |= 1L << r;
                }
            }
        }
        String name = arrayName(newest);
        checkStartable(level, geometry, working, present, disks, options.run(), name);
        MdSuperblockWriter writer = new MdSuperblockWriter(sbs);
        for (int r = 0; r < disks; r++) {
            if (rebuildFrom[r] >= 0) {
                writer.install(r, sbs[r]); // every table, its own included, names it in the role
            }
            if (replacing[r] != null) {
                writer.installReplacement(r, replacing[r].superblock());
            }
        }
        RaidArray array = new RaidArray(name, level, geometry, members, engine, ENGINE_ENTRIES,
                options.options(), writer, newest.events());
        Redundancy redundancy;
        try {
            redundancy = Redundancy.attach(array, engine, sbs, options.redundancy());
        } catch (IOException | RuntimeException e) {
            array.close();
            throw e;
        }
        OpenArray open = new OpenArray(array, engine, used, writer, redundancy);
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
        for (MemberDevice m : spares.values()) {
            if (redundancy.sync() == null) {
                LOG.warning(m.device().path() + ": a spare of " + level.name() + " " + name
                        + ", which cannot rebuild; not assembled");
                m.device().close();
            } else {
                open.adoptSpare(m);
            }
        }
        array.start();
        return open;
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

    /** Its own superblock still calls it a spare and carries no progress, the newest table gave it a role. */
    private static boolean joinedBeforeItsOwnUpdate(MemberDevice m) {
        return m.superblock().devRole(m.slot()) == MdConstants.ROLE_SPARE
                && !m.superblock().hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET);
    }

    /** Both the newest table and the device's own superblock call its slot a spare. */
    private static boolean isSpare(MemberDevice m, int newestRole) {
        return newestRole == MdConstants.ROLE_SPARE && m.superblock().devRole(m.slot()) == MdConstants.ROLE_SPARE
                && m.slot() < Math.min(m.superblock().maxDev(), MdConstants.V1_MAX_DEVS);
    }

    private static void checkOneArray(List<MemberDevice> found) throws IOException {
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no member devices given");
        }
        Map<String, List<String>> byUuid = new LinkedHashMap<>();
        for (MemberDevice m : found) {
            byUuid.computeIfAbsent(MdUuid.format(m.superblock().setUuid()), k -> new ArrayList<>())
                    .add(m.device().path().toString());
        }
        if (byUuid.size() > 1) {
            StringBuilder sb = new StringBuilder("the devices belong to different arrays:");
            byUuid.forEach((uuid, devs) -> sb.append(' ').append(uuid).append(" (").append(String.join(", ", devs))
                    .append(");"));
            throw new IOException(sb.substring(0, sb.length() - 1));
        }
    }

    private static Geometry geometry(MdSuperblock sb, RaidLevel level, MemberDevice[] byRole) throws IOException {
        int disks = byRole.length;
        long[] bytes = new long[disks];
        for (int r = 0; r < disks; r++) {
            if (level.mdLevel() == MdConstants.LEVEL_LINEAR || level.mdLevel() == 0) {
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
            Geometry g = new Geometry(level.mdLevel(), sb.layout(), sb.chunkSize() * (int) SECTOR, bytes);
            level.layout(g);
            return g;
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot assemble " + arrayName(sb) + ": " + e.getMessage(), e);
        }
    }

    private static void checkStartable(RaidLevel level, Geometry g, long working, int present, int disks, boolean run,
                                       String name) throws IOException {
        if (!level.canServe(g, working)) {
            throw new IOException(name + ": only " + Long.bitCount(working) + " of " + disks + " members present and "
                    + "in sync; " + level.name() + " cannot serve its data without the missing ones");
        }
        if (present < disks && !run) {
            throw new IOException(name + ": " + present + " of " + disks + " members present; use --run to start "
                    + "it degraded");
        }
    }

    /** The array name without the "homehost:" prefix. */
    public static String arrayName(MdSuperblock sb) {
        String n = sb.setName();
        int colon = n.indexOf(':');
        return colon >= 0 ? n.substring(colon + 1) : n;
    }
}
