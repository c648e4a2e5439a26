package io.uraid.levels.ppl;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.core.spi.StartLog;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.levels.io.ParityIo;
import io.uraid.levels.io.PplStripeLog;
import io.uraid.levels.parity.ParityLayout;
import java.io.IOException;

/**
 * md's raid5 partial parity log at assembly: {@link PplStart} before the start, then
 * {@link PplStripeLog} on the array's write path. The unit of an entry's data_sector is the
 * array's logical block size: the largest of its members'.
 */
public final class PplStartLog implements StartLog {
    @Override
    public boolean keptBy(MdSuperblock sb) {
        return sb.level() == 5 && PplStart.hasPpl(sb);
    }

    @Override
    public boolean recover(MdSuperblock[] byRole, BlockDevice[] devices, boolean[] inSync, IoEngine engine)
            throws IOException {
        long[] offsets = new long[byRole.length];
        long[] recovered = new long[byRole.length];
        for (int r = 0; r < byRole.length; r++) {
            offsets[r] = byRole[r] == null ? 0 : byRole[r].dataOffset() * 512;
            recovered[r] = byRole[r] == null ? 0 : recovered(byRole[r]);
        }
        EngineMemberIo io = new EngineMemberIo(engine, devices, offsets, inSync, recovered);
        return PplStart.recover(byRole, io, unitBytes(devices)).markClean();
    }

    /**
     * Bytes of the data area a device being rebuilt holds, as its own superblock records them
     * (md's recovery_offset); none when it records no offset (it had just taken the role).
     */
    private static long recovered(MdSuperblock own) {
        return own.hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET) ? own.recoveryOffset() * 512 : 0;
    }

    @Override
    public String unfit(MdSuperblock device) {
        try {
            PplArea.of(device);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public void attach(LevelIo io, MdSuperblock[] byRole, BlockDevice[] devices) {
        if (!(io instanceof ParityIo parity)) {
            throw new IllegalArgumentException("the partial parity log needs raid5's I/O, not " + io);
        }
        ParityLayout layout = parity.layout();
        PplArea[] areas = new PplArea[byRole.length];
        MdSuperblock any = null;
        for (int r = 0; r < byRole.length; r++) {
            if (byRole[r] != null) {
                areas[r] = PplArea.of(byRole[r]);
                any = byRole[r];
            }
        }
        for (int r = 0; r < byRole.length; r++) {
            if (areas[r] == null) {
                // No device now: sized like a member's; a device that takes the role later moves
                // the role's log to the area its own superblock names (PplStripeLog#memberChanged).
                areas[r] = PplArea.of(any);
            }
        }
        parity.log(new PplStripeLog(layout, areas, PplHeader.signature(any.setUuid()), unitBytes(devices)));
    }

    /** md's logical block size of the array: the largest of its members' (512 for files). */
    static int unitBytes(BlockDevice[] devices) {
        int unit = 512;
        for (BlockDevice d : devices) {
            if (d != null) {
                unit = Math.max(unit, d.logicalBlockSize());
            }
        }
        return Math.min(unit, PplArea.BLOCK);
    }
}
