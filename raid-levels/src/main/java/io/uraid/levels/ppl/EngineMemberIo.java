package io.uraid.levels.ppl;

import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.SyncIo;
import java.io.IOException;

/**
 * {@link PplMemberIo} through an idle engine, one operation at a time ({@link SyncIo}): the
 * members as assembly has opened them, before the array starts.
 */
public final class EngineMemberIo implements PplMemberIo {
    private final IoEngine engine;
    private final BlockDevice[] devices;
    private final long[] dataOffsets;
    private final boolean[] inSync;
    private final long[] recovered;

    /**
     * A device not in sync holds no current data (recovery offset 0).
     *
     * @param devices     device of each role, null where missing
     * @param dataOffsets data_offset of each role in bytes
     * @param inSync      whether each role holds current data all through
     */
    public EngineMemberIo(IoEngine engine, BlockDevice[] devices, long[] dataOffsets, boolean[] inSync) {
        this(engine, devices, dataOffsets, inSync, new long[devices.length]);
    }

    /**
     * @param recovered for each role not in sync, the bytes at the start of its data area
     *                  already rebuilt (md's recovery_offset); ignored for roles in sync
     */
    public EngineMemberIo(IoEngine engine, BlockDevice[] devices, long[] dataOffsets, boolean[] inSync,
                          long[] recovered) {
        this.engine = engine;
        this.devices = devices.clone();
        this.dataOffsets = dataOffsets.clone();
        this.inSync = inSync.clone();
        this.recovered = recovered.clone();
    }

    @Override
    public boolean inSync(int role) {
        return devices[role] != null && inSync[role];
    }

    @Override
    public long recovered(int role) {
        if (devices[role] == null) {
            return 0;
        }
        return inSync[role] ? Long.MAX_VALUE : recovered[role];
    }

    @Override
    public boolean present(int role) {
        return devices[role] != null;
    }

    @Override
    public long dataOffset(int role) {
        return dataOffsets[role];
    }

    @Override
    public void read(int role, long offset, long address, int length) throws IOException {
        SyncIo.read(engine, devices[role], offset, address, length);
    }

    @Override
    public void write(int role, long offset, long address, int length, boolean durable) throws IOException {
        SyncIo.write(engine, devices[role], offset, address, length, durable);
    }

    @Override
    public void flush(int role) throws IOException {
        SyncIo.fsync(engine, devices[role]);
    }
}
