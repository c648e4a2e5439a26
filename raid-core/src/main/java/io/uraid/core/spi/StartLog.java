package io.uraid.core.spi;

import io.uraid.core.plan.LevelIo;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import java.io.IOException;
import java.util.ServiceLoader;

/**
 * A log an array keeps beside its data against the write hole (md's raid5 partial parity
 * log): read, and replayed after an unclean stop, before the array starts; written ahead of
 * the data from then on. Implementations are found through {@link ServiceLoader}.
 */
public interface StartLog {
    /** True when the array whose freshest superblock is {@code sb} keeps this log. */
    boolean keptBy(MdSuperblock sb);

    /**
     * Before the array starts, with its members open and nothing else in flight on
     * {@code engine}: replays the log when the superblocks say the array was not stopped
     * cleanly, then clears it.
     *
     * @param byRole   each role's superblock, null where the role has no device
     * @param devices  each role's device, null where missing
     * @param inSync   whether each role's device holds current data
     * @return true when the array was dirty and the log made it consistent: it owes no resync
     * @throws IOException when a member cannot be read or written (the start fails)
     */
    boolean recover(MdSuperblock[] byRole, BlockDevice[] devices, boolean[] inSync, IoEngine engine)
            throws IOException;

    /** Puts the log's writes ahead of the data writes of {@code io}, before the array starts. */
    void attach(LevelIo io, MdSuperblock[] byRole, BlockDevice[] devices);

    /**
     * Why a device whose own superblock is {@code device} cannot keep the log in a role of the
     * array (md refuses such a device a role), or null when it can.
     */
    default String unfit(MdSuperblock device) {
        return null;
    }

    /** The log kept by the array of {@code sb}, or null when it keeps none uraid knows. */
    static StartLog of(MdSuperblock sb) {
        for (StartLog log : ServiceLoader.load(StartLog.class, StartLog.class.getClassLoader())) {
            if (log.keptBy(sb)) {
                return log;
            }
        }
        return null;
    }
}
