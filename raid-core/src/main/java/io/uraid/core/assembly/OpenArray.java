package io.uraid.core.assembly;

import io.uraid.core.array.Member;
import io.uraid.core.array.RaidArray;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.Redundancy;
import io.uraid.io.IoEngine;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An assembled, running array together with everything it owns: its engine and member devices.
 * Closing it stops the array cleanly (members flushed, superblocks marked clean), then closes
 * the devices and the engine.
 */
public final class OpenArray implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpenArray.class.getName());

    private final RaidArray array;
    private final IoEngine engine;
    private final List<MemberDevice> devices;
    private final MdSuperblockWriter superblocks;

    private final Redundancy redundancy;

    OpenArray(RaidArray array, IoEngine engine, List<MemberDevice> devices, MdSuperblockWriter superblocks,
              Redundancy redundancy) {
        this.redundancy = redundancy;
        this.array = array;
        this.engine = engine;
        this.devices = List.copyOf(devices);
        this.superblocks = superblocks;
    }

    public RaidArray array() {
        return array;
    }

    /** The engine the array's dispatcher owns (do not issue I/O on it). */
    public IoEngine engine() {
        return engine;
    }

    /** The member devices assembled (not the missing roles). */
    public List<MemberDevice> devices() {
        return devices;
    }

    /** The superblock most recently written (or read) for the device in {@code role}, or null. */
    public MdSuperblock superblock(int role) {
        MdSuperblock sb = superblocks.current(role);
        return sb;
    }

    /** The member slot of {@code role}. */
    public Member member(int role) {
        return array.members()[role];
    }

    /** Bitmap, resync, check and repair of the array. */
    public Redundancy redundancy() {
        return redundancy;
    }

    @Override
    public void close() {
        array.close();
        redundancy.free();
        for (MemberDevice d : devices) {
            try {
                d.device().close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, d.device().path() + ": close failed", e);
            }
        }
        engine.close();
    }
}
