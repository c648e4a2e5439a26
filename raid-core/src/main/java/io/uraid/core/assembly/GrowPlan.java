package io.uraid.core.assembly;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdNames;
import io.uraid.core.sb.SuperblockLayout;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a {@link GrowSpec} makes of an array's superblocks, decided from the superblocks alone
 * (no I/O): the refusals mdadm and md make, each one line (an {@link IllegalArgumentException}
 * for a request this array can never take, an {@link IllegalStateException} for one its present
 * state refuses), and the superblock every device gets. md's rules followed:
 * <ul>
 * <li>raid devices (raid1 only): the devices holding roles keep them in role order, moved down
 *     over vacant slots (the kernel's raid1_reshape); fewer slots than devices holding roles is
 *     refused, as md refuses it (a mirror is dropped by failing and removing it first), so no
 *     copy is ever lost; a new slot stays empty until a spare takes it.</li>
 * <li>size (raid1): at most what every device, spares included, holds after its data offset
 *     (a device that grew gives its new space: md recomputes data_size); growing owes a resync
 *     of the new space (resync_offset = old size; with a bitmap its new chunks are set);
 *     shrinking needs the new array size confirmed, as mdadm asks for {@code --array-size}
 *     first.</li>
 * <li>bitmap: an internal bitmap goes 8 sectors after the superblock, with mdadm's default chunk
 *     (at least 64 MiB, larger when the bits would not fit before the bad-block log or the
 *     data); its bits start clear on a clean array, set where a resync is still owed.</li>
 * </ul>
 * Every device's events go up by one, as for any superblock update.
 */
public final class GrowPlan {
    private static final long SECTOR = 512;
    /** Component sizes are kept whole 64 KiB, as mdadm rounds a mirror's size at create. */
    private static final long SIZE_ROUND_SECTORS = 128;
    private static final int MAX_RAID_DISKS = 64;

    /** One device's new superblock and, when its bitmap changes, the whole new bitmap area (else null). */
    public record Device(MdSuperblock superblock, BitmapImage bitmap) {
    }

    private final List<Device> devices;
    private final String summary;

    private GrowPlan(List<Device> devices, String summary) {
        this.devices = devices;
        this.summary = summary;
    }

    /** New superblocks, in the order of the superblocks given. */
    public List<Device> devices() {
        return devices;
    }

    /** One line saying what changes, for the log and the CLI. */
    public String summary() {
        return summary;
    }

    /**
     * Plans {@code spec} for the devices of one stopped (or about to stop) array.
     *
     * @param current       each device's superblock: the members and the waiting spares
     * @param deviceSectors each device's size, in the same order
     * @param bitmap        the array's bitmap as on its members (bits or'ed), or null; needed
     *                      only for a size change of an array with a bitmap (a check without
     *                      it leaves the bitmap out of the plan)
     */
    public static GrowPlan of(List<MdSuperblock> current, long[] deviceSectors, GrowSpec spec, BitmapImage bitmap) {
        if (current.isEmpty()) {
            throw new IllegalArgumentException("no devices to grow");
        }
        MdSuperblock newest = current.get(0);
        for (MdSuperblock sb : current) {
            if (sb.events() > newest.events()) {
                newest = sb;
            }
        }
        String name = Assembler.arrayName(newest);
        String level = MdNames.level(newest.level());
        for (MdSuperblock sb : current) {
            int role = newest.devRole(sb.devNumber());
            if (role == MdConstants.ROLE_FAULTY) {
                throw new IllegalStateException(name + ": a faulty device is still listed; remove it first");
            }
            if (sb.hasFeature(MdConstants.FEATURE_REPLACEMENT)) {
                throw new IllegalStateException(name + ": a replacement is being copied; let it finish first");
            }
        }
        if (spec.raidDisks() > 0) {
            return raidDisks(current, newest, spec.raidDisks(), name, level);
        }
        if (spec.sizeBytes() >= 0) {
            return size(current, deviceSectors, newest, spec, bitmap, name, level);
        }
        return "internal".equals(spec.bitmap()) ? addBitmap(current, newest, spec.bitmapChunkBytes(), name, level)
                : removeBitmap(current, newest, name);
    }

    private static GrowPlan raidDisks(List<MdSuperblock> current, MdSuperblock newest, int n, String name,
                                      String level) {
        if (newest.level() != 1) {
            throw new IllegalArgumentException(name + " is " + level + ": changing --raid-devices is supported for raid1"
                    + " only (striped levels need a reshape; see docs/design/reshape.md)");
        }
        int old = newest.raidDisks();
        if (n == old) {
            throw new IllegalStateException(name + " already has " + n + " raid devices");
        }
        if (n > MAX_RAID_DISKS) {
            throw new IllegalArgumentException("at most " + MAX_RAID_DISKS + " raid devices are supported, not " + n);
        }
        List<MdSuperblock> holders = new ArrayList<>();
        for (MdSuperblock sb : current) {
            if (newest.devRole(sb.devNumber()) < old) {
                holders.add(sb);
            }
        }
        holders.sort(Comparator.comparingInt(sb -> newest.devRole(sb.devNumber())));
        if (holders.size() > n) {
            throw new IllegalStateException("cannot reduce " + name + " to " + n + " raid device" + (n == 1 ? "" : "s")
                    + ": " + holders.size() + " devices hold a role; fail and remove the mirrors to drop first "
                    + "(only a vacant slot is dropped, so no copy is lost)");
        }
        int[] table = newest.devRoles();
        for (int slot = 0; slot < table.length; slot++) {
            if (table[slot] < old) {
                table[slot] = MdConstants.ROLE_FAULTY; // a device not here gives up its role
            }
        }
        for (int rank = 0; rank < holders.size(); rank++) {
            table[holders.get(rank).devNumber()] = rank; // moved down over vacant slots, in order
        }
        long events = newest.events() + 1;
        List<Device> out = new ArrayList<>();
        for (MdSuperblock sb : current) {
            MdSuperblock.Builder b = updated(sb, events).raidDisks(n);
            for (int slot = 0; slot < table.length; slot++) {
                b.devRole(slot, table[slot]);
            }
            out.add(new Device(b.build(), null));
        }
        int empty = n - holders.size();
        int spares = current.size() - holders.size();
        String slots = empty <= 0 ? "" : spares >= empty ? "; " + empty + " empty slot(s), taken by a waiting spare and rebuilt"
                : "; " + empty + " empty slot(s)" + (spares > 0 ? ", " + spares + " taken by a waiting spare and rebuilt" : "")
                + " (uraid add a spare to fill " + (spares > 0 ? "the rest" : "them") + ")";
        return new GrowPlan(out, name + ": raid devices " + old + " -> " + n + slots);
    }

    private static GrowPlan size(List<MdSuperblock> current, long[] deviceSectors, MdSuperblock newest,
                                 GrowSpec spec, BitmapImage bitmap, String name, String level) {
        if (newest.level() != 1) {
            throw new IllegalArgumentException(name + " is " + level + ": --size is supported for raid1 only (raid0 and "
                    + "linear use each member whole)");
        }
        long oldSize = newest.size();
        long[] dataSize = new long[current.size()];
        long max = Long.MAX_VALUE;
        String smallest = null;
        for (int i = 0; i < current.size(); i++) {
            MdSuperblock sb = current.get(i);
            dataSize[i] = Math.max(sb.dataSize(), deviceSectors[i] - sb.dataOffset());
            if (dataSize[i] < max) {
                max = dataSize[i];
                smallest = "device " + sb.devNumber();
            }
        }
        max -= max % SIZE_ROUND_SECTORS;
        long size;
        if (spec.sizeBytes() == GrowSpec.MAX) {
            size = max;
        } else {
            if (spec.sizeBytes() % 4096 != 0) {
                throw new IllegalArgumentException("--size must be a multiple of 4 KiB: " + spec.sizeBytes());
            }
            size = spec.sizeBytes() / SECTOR;
            if (size > max) {
                throw new IllegalStateException("--size " + size * SECTOR + " bytes is more than "
                        + name + "'s members hold (" + smallest + " gives at most " + max * SECTOR / 1024 + " KiB)");
            }
            if (size == 0) {
                throw new IllegalArgumentException("--size must be positive");
            }
        }
        if (size == oldSize) {
            throw new IllegalStateException(name + " already uses " + size * SECTOR / 1024 + " KiB of each member");
        }
        if (size < oldSize && spec.arraySizeBytes() != size * SECTOR) {
            throw new IllegalStateException("this change would reduce " + name + " from " + oldSize * SECTOR
                    + " to " + size * SECTOR + " bytes and cut off the data beyond; repeat with --array-size "
                    + size * SECTOR + " to confirm (mdadm asks for --grow --array-size first)");
        }
        long events = newest.events() + 1;
        long resync = newest.resyncOffset();
        if (size > oldSize && Long.compareUnsigned(resync, oldSize) > 0) {
            resync = oldSize; // md: the new space is resynced from the old end on
        }
        BitmapImage newBitmap = null;
        if (bitmap != null && newest.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
            newBitmap = resizedBitmap(bitmap, newest, size, oldSize, events);
        }
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < current.size(); i++) {
            MdSuperblock sb = current.get(i);
            out.add(new Device(updated(sb, events).size(size).dataSize(dataSize[i]).resyncOffset(resync).build(),
                    newBitmap));
        }
        return new GrowPlan(out, name + ": component size " + oldSize * SECTOR / 1024 + " KiB -> "
                + size * SECTOR / 1024 + " KiB" + (size > oldSize ? " (the new space is resynced)" : ""));
    }

    /**
     * The bitmap of an array whose component size changes: the bits of the old range kept, the
     * new range's set (md_bitmap_resize); a larger chunk when the bits would not fit.
     */
    private static BitmapImage resizedBitmap(BitmapImage old, MdSuperblock sb, long size, long oldSize, long events) {
        long room = bitmapRoomSectors(sb);
        long chunk = old.header().chunkSize();
        while (BitmapSuperblock.onDiskBytes(size, chunk, 4096) / SECTOR > room) {
            chunk *= 2;
        }
        BitmapSuperblock h = old.header().toBuilder().chunkSize((int) chunk).syncSize(size).events(events)
                .eventsCleared(Math.min(old.header().eventsCleared(), events)).build();
        BitmapImage img = BitmapImage.clean(h);
        long ratio = chunk / old.header().chunkSize();
        for (long bit = 0; bit < old.bitCount(); bit++) {
            if (old.isSet(bit) && bit / ratio < img.bitCount()) {
                img.set(bit / ratio);
            }
        }
        for (long bit = oldSize * SECTOR / chunk; bit < img.bitCount() && size > oldSize; bit++) {
            img.set(bit);
        }
        return img;
    }

    private static GrowPlan addBitmap(List<MdSuperblock> current, MdSuperblock newest, int chunkBytes, String name,
                                      String level) {
        if (newest.level() != 1 && newest.level() != 10) {
            throw new IllegalArgumentException(name + " is " + level + ": a write-intent bitmap is for raid1 and raid10");
        }
        if (newest.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
            throw new IllegalStateException(name + " already has an internal bitmap");
        }
        if (newest.hasFeature(MdConstants.FEATURE_PPL)) {
            throw new IllegalArgumentException(name + " uses a partial parity log, which excludes a bitmap");
        }
        long sync = SuperblockLayout.bitmapSyncSize(newest.level(), newest.layout(), newest.raidDisks(), newest.size());
        long room = bitmapRoomSectors(newest);
        if (room < 8) {
            throw new IllegalStateException(name + " has no room for a bitmap before its data");
        }
        long chunk;
        if (chunkBytes != 0) {
            if (Integer.bitCount(chunkBytes) != 1 || chunkBytes < 4096) {
                throw new IllegalArgumentException("--bitmap-chunk must be a power of two of at least 4 KiB: " + chunkBytes);
            }
            chunk = chunkBytes;
            if (BitmapSuperblock.onDiskBytes(sync, chunk, 4096) / SECTOR > room) {
                throw new IllegalArgumentException("a bitmap of " + chunk / 1024 + " KiB chunks does not fit in the "
                        + room * SECTOR / 1024 + " KiB before " + name + "'s data; choose a larger --bitmap-chunk");
            }
        } else {
            chunk = 4096;
            while (BitmapSuperblock.onDiskBytes(sync, chunk, 4096) / SECTOR > room) {
                chunk *= 2;
            }
            chunk = Math.max(chunk, SuperblockLayout.DEFAULT_BITMAP_CHUNK);
        }
        long events = newest.events() + 1;
        BitmapSuperblock h = BitmapSuperblock.builder().uuid(newest.setUuid()).chunkSize((int) chunk)
                .daemonSleep(SuperblockLayout.DEFAULT_BITMAP_DELAY).syncSize(sync).events(events).eventsCleared(events)
                .build();
        BitmapImage img = BitmapImage.clean(h);
        long resync = newest.resyncOffset();
        if (resync != MdConstants.RESYNC_DONE) { // a resync is owed from there: the bits say so from now on
            for (long bit = resync * SECTOR / chunk; bit < img.bitCount(); bit++) {
                img.set(bit);
            }
        }
        List<Device> out = new ArrayList<>();
        for (MdSuperblock sb : current) {
            out.add(new Device(updated(sb, events).featureMap(sb.featureMap() | MdConstants.FEATURE_BITMAP_OFFSET)
                    .bitmapOffset(8).build(), img));
        }
        return new GrowPlan(out, name + ": internal bitmap added, " + chunk / 1024 + " KiB chunks");
    }

    private static GrowPlan removeBitmap(List<MdSuperblock> current, MdSuperblock newest, String name) {
        if (!newest.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET)) {
            throw new IllegalStateException(name + " has no bitmap to remove");
        }
        long events = newest.events() + 1;
        List<Device> out = new ArrayList<>();
        for (MdSuperblock sb : current) {
            out.add(new Device(updated(sb, events).featureMap(sb.featureMap() & ~MdConstants.FEATURE_BITMAP_OFFSET)
                    .bitmapOffset(0).build(), null));
        }
        return new GrowPlan(out, name + ": internal bitmap removed");
    }

    /**
     * Sectors from the bitmap's place (8 after the superblock) to what follows it: the bad-block
     * log when it lies after the superblock, else the data.
     */
    static long bitmapRoomSectors(MdSuperblock sb) {
        long end = sb.dataOffset() - sb.superOffset();
        if (sb.bblogSize() > 0 && sb.bblogOffset() > 8 && sb.bblogOffset() < end) {
            end = sb.bblogOffset();
        }
        return end - 8;
    }

    private static MdSuperblock.Builder updated(MdSuperblock sb, long events) {
        return sb.toBuilder().events(events).utime(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }
}
