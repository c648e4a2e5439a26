package io.uraid.core.assembly;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.SyncIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a {@link GrowPlan} onto the devices of a stopped array: the new bitmap areas first
 * (a superblock never points at a bitmap that is not there), then every superblock, each
 * durable before the call returns. The devices are claimed while it works, as for create.
 */
public final class Grower {
    private static final long SECTOR = 512;

    private Grower() {
    }

    /**
     * Plans {@code spec} from what {@code paths} (the array's members and waiting spares) hold
     * and writes it. Nothing is written when the plan is refused.
     *
     * @return the plan's summary
     */
    public static String apply(IoEngine engine, List<Path> paths, GrowSpec spec) throws IOException {
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<MdSuperblock> sbs = new ArrayList<>();
            long[] sectors = new long[paths.size()];
            for (Path p : paths) {
                BlockDevice d = ArrayClaim.open(engine, p, OpenOptions.DEFAULT);
                devices.add(d);
                MdSuperblock sb = Assembler.readSuperblock(engine, d);
                if (!sbs.isEmpty() && !Arrays.equals(sb.setUuid(), sbs.get(0).setUuid())) {
                    throw new IOException(p + " belongs to another array than " + paths.get(0));
                }
                sectors[sbs.size()] = d.size() / SECTOR;
                sbs.add(sb);
            }
            BitmapImage bitmap = null;
            for (int i = 0; i < sbs.size() && spec.sizeBytes() >= 0; i++) {
                MdSuperblock sb = sbs.get(i);
                if (sb.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET) && sb.role() < sb.raidDisks()) {
                    BitmapImage img = readBitmap(engine, devices.get(i), sb);
                    if (bitmap == null) {
                        bitmap = img;
                    } else {
                        bitmap.or(img);
                    }
                }
            }
            GrowPlan plan = GrowPlan.of(sbs, sectors, spec, bitmap);
            for (int i = 0; i < devices.size(); i++) {
                GrowPlan.Device d = plan.devices().get(i);
                if (d.bitmap() != null) {
                    writeBitmap(engine, devices.get(i), d.superblock(), d.bitmap());
                }
            }
            try (NativeBuffer block = NativeBuffer.allocate(MdConstants.SUPERBLOCK_BYTES)) {
                for (int i = 0; i < devices.size(); i++) {
                    block.view().clear();
                    block.view().put(plan.devices().get(i).superblock().encode());
                    SyncIo.write(engine, devices.get(i), 8 * SECTOR, block.address(), MdConstants.SUPERBLOCK_BYTES,
                            true);
                }
            }
            return plan.summary();
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
    }

    private static BitmapImage readBitmap(IoEngine engine, BlockDevice d, MdSuperblock sb) throws IOException {
        long at = (sb.superOffset() + sb.bitmapOffset()) * SECTOR;
        BitmapSuperblock header;
        try (NativeBuffer first = NativeBuffer.allocate(4096)) {
            SyncIo.read(engine, d, at, first.address(), 4096);
            header = BitmapSuperblock.decode(first.view());
        }
        if (!header.matches(sb.setUuid())) {
            throw new IOException(d.path() + ": no bitmap of this array at sector " + at / SECTOR);
        }
        int bytes = BitmapImage.areaBytes(header, 4096);
        try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
            SyncIo.read(engine, d, at, area.address(), bytes);
            return BitmapImage.decode(area.view());
        }
    }

    private static void writeBitmap(IoEngine engine, BlockDevice d, MdSuperblock sb, BitmapImage img)
            throws IOException {
        int bytes = BitmapImage.areaBytes(img.header(), 4096);
        try (NativeBuffer area = NativeBuffer.allocate(bytes)) {
            img.encode(img.header(), area.view());
            SyncIo.write(engine, d, (sb.superOffset() + sb.bitmapOffset()) * SECTOR, area.address(), bytes, true);
        }
    }
}
