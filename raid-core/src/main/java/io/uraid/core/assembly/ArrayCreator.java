package io.uraid.core.assembly;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.sb.SuperblockLayout;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Creates a new array: checks the devices, lays out md v1.2 metadata exactly as mdadm would
 * and writes the superblocks; a mirror's first sync is left to its first assembly, as md does. Nothing is written
 * until every check has passed, so a refused create leaves every device as it was.
 */
public final class ArrayCreator {
    private static final Logger LOG = Logger.getLogger(ArrayCreator.class.getName());
    private static final long SECTOR = 512;
    /** Superblock max_dev: room for this many slots in dev_roles (mdadm's v1 default). */
    private static final int MAX_DEV = 384;

    private ArrayCreator() {
    }

    /** Creates the array described by {@code spec}, doing its I/O through {@code engine}. */
    public static Geometry create(CreateSpec spec, IoEngine engine) throws IOException {
        RaidLevel level = spec.level();
        validateCounts(spec);
        List<BlockDevice> opened = new ArrayList<>();
        try {
            BlockDevice[] devs = openAll(spec, engine, opened);
            if (!spec.force()) {
                for (BlockDevice d : devs) {
                    if (d != null) {
                        String found = Probe.foreignSignature(engine, d);
                        if (found != null) {
                            throw new IOException(d.path() + " holds " + found
                                    + "; refusing to overwrite it (use --force)");
                        }
                    }
                }
            }
            int layoutWord = spec.layout() >= 0 ? spec.layout() : level.defaultLayout();
            int chunkKiB = spec.chunkBytes() / 1024;
            long[] sectors = presentSectors(devs);
            SuperblockLayout sl;
            try {
                sl = SuperblockLayout.forCreate(level.mdLevel(), layoutWord, spec.raidDisks(), chunkKiB,
                        switch (spec.effectiveBitmap()) {
                            case INTERNAL -> SuperblockLayout.Bitmap.INTERNAL;
                            case PPL -> SuperblockLayout.Bitmap.PPL;
                            default -> SuperblockLayout.Bitmap.NONE;
                        },
                        spec.bitmapChunkBytes(), true, sectors);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot create: " + e.getMessage(), e);
            }
            if (!level.redundant() && presentMask(devs) != (1L << devs.length) - 1) {
                throw new IllegalArgumentException("cannot create: " + level.name() + " has no redundancy, so no member may be missing");
            }
            int chunkBytes = sl.chunkSectors() * (int) SECTOR;
            long dataOffsetBytes = sl.dataOffset() * SECTOR;
            long[] memberBytes = memberBytes(level, devs, sl, dataOffsetBytes);
            warnUnequalMirrors(level, devs, sl);
            Geometry geometry = new Geometry(level.mdLevel(), layoutWord, chunkBytes, memberBytes);
            level.layout(geometry); // validates chunk, layout and sizes with the level's own message
            if (level.redundant() && level.failedArray(geometry, presentMask(devs))) {
                throw new IllegalArgumentException("cannot create: too many missing members for " + level.name());
            }
            FirstSync first = FirstSync.NONE;
            if (level.redundant() && !spec.assumeClean()) {
                if (parityLevel(level)) {
                    first = FirstSync.of(level, presentMask(devs) == (1L << devs.length) - 1);
                } else if (level.mdLevel() != 1 || Long.bitCount(presentMask(devs)) >= 2) {
                    // As mdadm --create: a new mirror's copies are not synced here. Its superblocks
                    // say a resync is owed from the start (resync_offset 0) and its bitmap has every
                    // bit set; the first assembly runs that resync in the background while serving
                    // I/O, reading regions not yet synced from the first copy. (A raid1 created with
                    // a single copy present has nothing to sync.)
                    first = FirstSync.RESYNC;
                }
            }
            writeSuperblocks(spec, engine, devs, sl, geometry, layoutWord, first);
            return geometry;
        } finally {
            for (BlockDevice d : opened) {
                d.close();
            }
        }
    }

    private static boolean parityLevel(RaidLevel level) {
        return level.mdLevel() == 4 || level.mdLevel() == 5 || level.mdLevel() == 6;
    }

    /**
     * How a new raid4/5/6 array makes its parity match its data, as md does it, in the
     * background on its first start: raid5 rebuilds its last member (mdadm creates it degraded
     * with that member as the spare: a recovery writes each stripe once, a resync reads it all
     * and rewrites what differs), raid4 and raid6 resync. A member left missing leaves nothing to
     * make consistent (every write computes its stripe's parity), as does --assume-clean.
     */
    enum FirstSync {
        NONE, RECOVER_LAST, RESYNC;

        static FirstSync of(RaidLevel level, boolean allPresent) {
            if (!allPresent) {
                return NONE;
            }
            return level.mdLevel() == 5 ? RECOVER_LAST : RESYNC;
        }
    }

    private static void validateCounts(CreateSpec spec) {
        RaidLevel level = spec.level();
        if (spec.raidDisks() < level.minDisks()) {
            throw new IllegalArgumentException(level.name() + " needs at least " + level.minDisks()
                    + " raid devices, got " + spec.raidDisks());
        }
        if (spec.devices().size() != spec.raidDisks()) {
            throw new IllegalArgumentException("--raid-devices=" + spec.raidDisks() + " but "
                    + spec.devices().size() + " devices were given");
        }
        if (spec.raidDisks() > 64) {
            throw new IllegalArgumentException("at most 64 raid devices are supported");
        }
        if (spec.name() == null || spec.name().isEmpty() || spec.name().contains("/")) {
            throw new IllegalArgumentException("array name must be non-empty and contain no '/'");
        }
        boolean mirror = level.mdLevel() == 1 || level.mdLevel() == 10;
        if (!mirror && spec.devflags().stream().anyMatch(f -> f != 0)) {
            throw new IllegalArgumentException("--write-mostly and --failfast are for raid1 and raid10, not "
                    + level.name());
        }
        if (spec.writeBehind() > 0 && level.mdLevel() != 1) {
            throw new IllegalArgumentException("--write-behind is for raid1 only (as md), not " + level.name());
        }
        if (spec.writeBehind() > 0 && spec.effectiveBitmap() != CreateSpec.BitmapMode.INTERNAL) {
            throw new IllegalArgumentException("--write-behind needs a write-intent bitmap (--bitmap internal)");
        }
    }

    private static BlockDevice[] openAll(CreateSpec spec, IoEngine engine, List<BlockDevice> opened)
            throws IOException {
        BlockDevice[] devs = new BlockDevice[spec.raidDisks()];
        Set<Path> seen = new HashSet<>();
        for (int i = 0; i < devs.length; i++) {
            Path p = spec.devices().get(i);
            if (CreateSpec.MISSING.equals(p)) {
                continue;
            }
            Path real = p.toAbsolutePath().normalize();
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                // Not on the file system (or a test engine's device): the engine's open says why.
            }
            if (!seen.add(real)) {
                throw new IllegalArgumentException(p + " is listed twice");
            }
            devs[i] = ArrayClaim.open(engine, p, OpenOptions.DEFAULT);
            opened.add(devs[i]);
        }
        return devs;
    }

    /**
     * A mirror uses as much of each member as its smallest one holds: as mdadm does, say so when
     * the largest member is more than 1 % bigger, since the rest of it stays unused.
     */
    private static void warnUnequalMirrors(RaidLevel level, BlockDevice[] devs, SuperblockLayout sl) {
        if (level.mdLevel() != 1 && level.mdLevel() != 10) {
            return;
        }
        BlockDevice largest = null;
        long smallest = Long.MAX_VALUE;
        for (BlockDevice d : devs) {
            if (d != null) {
                smallest = Math.min(smallest, d.size());
                largest = largest == null || d.size() > largest.size() ? d : largest;
            }
        }
        if (largest != null && largest.size() > smallest + smallest / 100) {
            LOG.warning("largest device " + largest.path() + " (" + (largest.size() >> 10) + "K) exceeds the size used "
                    + "on each member (" + (sl.size() * SECTOR >> 10) + "K) by more than 1%; the rest of it is unused");
        }
    }

    private static long[] presentSectors(BlockDevice[] devs) {
        return java.util.Arrays.stream(devs).filter(d -> d != null).mapToLong(d -> d.size() / SECTOR).toArray();
    }

    private static long presentMask(BlockDevice[] devs) {
        long m = 0;
        for (int i = 0; i < devs.length; i++) {
            if (devs[i] != null) {
                m |= 1L << i;
            }
        }
        return m;
    }

    /** Usable bytes per role, as md will compute them from what we write. */
    private static long[] memberBytes(RaidLevel level, BlockDevice[] devs, SuperblockLayout sl, long dataOffset) {
        long[] bytes = new long[devs.length];
        for (int i = 0; i < devs.length; i++) {
            boolean striped = level.mdLevel() == MdConstants.LEVEL_LINEAR || level.mdLevel() == 0;
            // linear and raid0 use each member's whole data area (md: rdev->sectors = data_size);
            // raid0 stripes unequal members in zones. Mirrors use the common size.
            bytes[i] = striped ? devs[i].size() - dataOffset : sl.size() * SECTOR;
            if (bytes[i] <= 0) {
                throw new IllegalArgumentException((devs[i] == null ? "a member" : devs[i].path().toString())
                        + " is too small to hold md metadata and data");
            }
        }
        return bytes;
    }

    private static void writeSuperblocks(CreateSpec spec, IoEngine engine, BlockDevice[] devs, SuperblockLayout sl,
                                         Geometry g, int layoutWord, FirstSync first) throws IOException {
        byte[] uuid = MdUuid.random();
        // Whole seconds, as mdadm and the kernel write them: the kernel hands the 64-bit field to
        // GET_ARRAY_INFO unmasked (microseconds in its top bits read as the year 2106), and
        // mdadm --detail then rejects every member whose ctime differs from that and prints no
        // name, UUID or events.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        boolean striped = spec.level().memberSizing() == RaidLevel.MemberSizing.OWN; // md writes size 0 for them
        try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
            for (int i = 0; i < devs.length; i++) {
                if (devs[i] == null) {
                    continue;
                }
                MdSuperblock.Builder b = MdSuperblock.builder()
                        .setUuid(uuid).setName(spec.homehost(), spec.name()).ctime(now).utime(now)
                        .level(g.level()).layout(layoutWord).size(striped ? 0 : sl.size())
                        .chunkSize(sl.chunkSectors()).raidDisks(devs.length)
                        .dataOffset(sl.dataOffset())
                        .dataSize(devs[i].size() / SECTOR - sl.dataOffset())
                        .superOffset(sl.superOffset()).devNumber(i).deviceUuid(MdUuid.random())
                        .events(0).resyncOffset(first == FirstSync.RESYNC ? 0 : MdConstants.RESYNC_DONE)
                        .maxDev(MAX_DEV)
                        .devflags(spec.devflags(i)); // write-mostly, failfast: as mdadm records them
                // Bit 4096 (raid0 layout recorded) when the members differ in whole chunks, as mdadm sets it.
                int features = sl.featureMap() & (MdConstants.FEATURE_BITMAP_OFFSET | MdConstants.FEATURE_RAID0_LAYOUT
                        | MdConstants.FEATURE_PPL);
                if (first == FirstSync.RECOVER_LAST && i == devs.length - 1) {
                    features |= MdConstants.FEATURE_RECOVERY_OFFSET; // rebuilt from the others on first start
                    b.recoveryOffset(0);
                }
                b.featureMap(features);
                if (sl.hasBitmap()) {
                    b.bitmapOffset(sl.bitmapOffset());
                }
                if (sl.hasPpl()) {
                    b.ppl(sl.pplOffset(), sl.pplSize());
                }
                if (sl.bblogSize() > 0) {
                    b.badBlockLog(9, sl.bblogSize(), sl.bblogOffset());
                }
                for (int slot = 0; slot < devs.length; slot++) {
                    b.devRole(slot, devs[slot] == null ? MdConstants.ROLE_SPARE : slot);
                }
                block.view().put(b.build().encode());
                if (sl.hasBitmap()) {
                    writeBitmap(engine, devs[i], sl, uuid, first == FirstSync.RESYNC, spec.writeBehind());
                }
                if (sl.hasPpl()) {
                    EmptyPpl.write(engine, devs[i], (sl.superOffset() + sl.pplOffset()) * SECTOR, sl.pplSize(), uuid);
                }
                SyncIo.write(engine, devs[i], sl.superOffset() * SECTOR, block.address(),
                        MdConstants.SUPERBLOCK_BYTES, true);
                Probe.wipeTailSuperblocks(engine, devs[i]);
            }
        }
    }

    /**
     * The bitmap goes down before the superblock that points at it. Its bits start clear when the
     * members were just synced (or declared clean), so no region needs a resync; every bit set
     * when the first start resyncs the whole array (mdadm does the same).
     */
    private static void writeBitmap(IoEngine engine, BlockDevice dev, SuperblockLayout sl, byte[] uuid,
                                    boolean allDirty, int writeBehind) throws IOException {
        var header = sl.bitmapSuperblock(uuid).toBuilder().writeBehind(writeBehind).build(); // md's write_behind
        int bytes = BitmapImage.areaBytes(header, 4096);
        try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
            BitmapImage image = BitmapImage.clean(header);
            for (long bit = 0; allDirty && bit < image.bitCount(); bit++) {
                image.set(bit);
            }
            image.encode(header, area.view());
            SyncIo.write(engine, dev, (sl.superOffset() + sl.bitmapOffset()) * SECTOR, area.address(), bytes, true);
        }
    }
}
