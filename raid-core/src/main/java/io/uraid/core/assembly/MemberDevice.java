package io.uraid.core.assembly;

import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.BlockDevice;

/**
 * A member device of an assembled array with the superblock read from it at assembly.
 *
 * @param device     the open device
 * @param superblock its md v1.2 superblock as found (or as written at create)
 */
public record MemberDevice(BlockDevice device, MdSuperblock superblock) {

    /** dev_number: this device's slot in dev_roles. */
    public int slot() {
        return superblock.devNumber();
    }
}
