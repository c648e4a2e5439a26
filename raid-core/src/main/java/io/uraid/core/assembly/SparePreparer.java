package io.uraid.core.assembly;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Writes what a device needs before it joins a running array as a spare: a clean bitmap (so a
 * power cut after it was promoted still finds a valid one) or an empty partial parity log, and
 * its superblock, a copy of a member's with its own slot, device uuid and size, in the role "spare".
 */
final class SparePreparer {
    private static final long SECTOR = 512;

    private SparePreparer() {
    }

    static MdSuperblock prepare(IoEngine engine, Path path, MdSuperblock base, Set<Integer> usedSlots,
                                BitmapSuperblock bitmap, boolean force) throws IOException {
        try (BlockDevice d = ArrayClaim.open(engine, path, OpenOptions.DEFAULT)) {
            if (!force) {
                String found = Probe.foreignSignature(engine, d);
                if (found != null && !ofThisArray(engine, d, base)) {
                    throw new IOException(path + " holds " + found + "; refusing to overwrite it (use --force)");
                }
            }
            long sectors = d.size() / SECTOR;
            if (sectors - base.dataOffset() < base.size()) {
                throw new IOException(path + " is too small to be a spare: it needs " + (base.dataOffset() + base.size())
                        * SECTOR + " bytes, it has " + d.size());
            }
            int slot = freeSlot(base, usedSlots);
            MdSuperblock sb = base.toBuilder().devNumber(slot).deviceUuid(MdUuid.random())
                    .dataSize(sectors - base.dataOffset()).devRole(slot, MdConstants.ROLE_SPARE).build();
            if (bitmap != null) {
                int bytes = BitmapImage.areaBytes(bitmap, 4096);
                try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
                    BitmapImage.clean(bitmap).encode(bitmap, area.view());
                    SyncIo.write(engine, d, (sb.superOffset() + sb.bitmapOffset()) * SECTOR, area.address(), bytes, true);
                }
            }
            if (sb.pplSize() > 0 && (sb.featureMap() & (MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS)) != 0) {
                // As mdadm --add: whatever log the device held (it may have been a member) is gone.
                EmptyPpl.write(engine, d, (sb.superOffset() + sb.pplOffset()) * SECTOR, sb.pplSize(), sb.setUuid());
            }
            try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
                block.view().put(sb.encode());
                SyncIo.write(engine, d, sb.superOffset() * SECTOR, block.address(), MdConstants.SUPERBLOCK_BYTES, true);
            }
            return sb;
        }
    }

    /**
     * Brings a waiting spare's superblock up to {@code newest} (a member's, as last written):
     * events, update time, clean mark and the dev_roles table, keeping the spare's own identity
     * and its role spare. md writes every device's superblock on a state change, spares
     * included, so {@code mdadm --examine} and assembly see the spare as current.
     */
    static void refresh(IoEngine engine, BlockDevice d, MdSuperblock spare, MdSuperblock newest) throws IOException {
        MdSuperblock.Builder b = spare.toBuilder().events(newest.events()).utime(newest.utime())
                .resyncOffset(newest.resyncOffset());
        int max = Math.min(Math.min(newest.maxDev(), spare.maxDev()), MdConstants.V1_MAX_DEVS);
        for (int slot = 0; slot < max; slot++) {
            b.devRole(slot, slot == spare.devNumber() ? MdConstants.ROLE_SPARE : newest.devRole(slot));
        }
        try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
            block.view().put(b.build().encode());
            SyncIo.write(engine, d, spare.superOffset() * SECTOR, block.address(), MdConstants.SUPERBLOCK_BYTES, true);
        }
    }

    /**
     * The device already carries a v1.2 superblock of this very array (a spare taken out with
     * {@code uraid remove}, or a former member): as mdadm does, it may be added again.
     */
    private static boolean ofThisArray(IoEngine engine, BlockDevice d, MdSuperblock base) {
        try {
            return java.util.Arrays.equals(Assembler.readSuperblock(engine, d).setUuid(), base.setUuid());
        } catch (IOException | RuntimeException e) {
            return false; // no readable superblock of ours: whatever was found is foreign
        }
    }

    /** The first slot no member or spare uses (mdadm's choice for a new device). */
    private static int freeSlot(MdSuperblock base, Set<Integer> used) throws IOException {
        int max = Math.min(base.maxDev(), MdConstants.V1_MAX_DEVS);
        for (int s = 0; s < max; s++) {
            if (base.devRole(s) == MdConstants.ROLE_SPARE && !used.contains(s)) {
                return s;
            }
        }
        throw new IOException("no free device slot left in the superblock (max_dev " + max + ")");
    }
}
