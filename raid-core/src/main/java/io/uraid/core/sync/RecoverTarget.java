package io.uraid.core.sync;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.Member;
import io.uraid.core.sb.MdSuperblock;

/** What a RECOVER pass rebuilds: the role, the I/O slot it writes, and the metadata it gets when done. */
final class RecoverTarget {
    final int role;
    /** The I/O slot of the device being rebuilt: the role, or role + raid disks for a replacement. */
    final int slot;
    final boolean replacing;
    final MdSuperblock superblock;

    RecoverTarget(int role, int raidDisks, boolean replacement, MdSuperblock superblock) {
        this.role = role;
        this.slot = replacement ? role + raidDisks : role;
        this.replacing = replacement;
        this.superblock = superblock;
    }

    /** False once the device being rebuilt failed (or, for a replacement, was removed). */
    boolean writable(ArrayIo io) {
        Member m = io.slot(slot);
        return m != null && m.writable() && (!replacing || m.role() == slot);
    }

    /**
     * The final fsync of the rebuilt device returned {@code result}: the device takes the role
     * (or, as a replacement, the role's place), or it is failed. Returns true when promoted.
     */
    boolean promote(ArrayIo io, int result) {
        if (result < 0) {
            io.failMember(slot, result);
            return false;
        }
        if (replacing) {
            io.promoteReplacement(role, superblock);
        } else {
            io.promote(role, superblock);
        }
        return true;
    }
}
