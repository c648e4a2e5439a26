package io.uraid.core.array;

import java.nio.ByteBuffer;

/**
 * Produces the on-disk metadata block of each member when the array's state changes (a member
 * fails, the array goes clean or dirty). The array writes the block durably to every working
 * member before acknowledging requests that depended on the change.
 */
public interface SuperblockWriter {

    /** Byte offset on each member where the metadata block goes. */
    long superblockOffset();

    /** Size of the block in bytes (4096 for md v1.2). */
    int blockSize();

    /**
     * Fills {@code out} (position 0, {@link #blockSize()} bytes) with the metadata of the member
     * in {@code slot}: a role, or {@code role + raid disks} for the device replacing that role's
     * member (md's replacement: same role, feature bit 16).
     *
     * @param states the state of every role
     * @param events the new events count (bumped by the caller on every change)
     * @param clean  true when no write is in flight and the members are known to agree
     * @param recoveryOffset for a member being rebuilt, the bytes of its data area durably
     *               rebuilt (md's recovery_offset); -1 for a member in sync
     */
    void encode(int slot, MemberState[] states, long events, boolean clean, long recoveryOffset, ByteBuffer out);

    /**
     * From now on a clean mark records that the copies are known equal below {@code bytes}
     * only (md's resync_offset of an interrupted resync) instead of everywhere.
     */
    default void resyncCheckpoint(long bytes) {
    }

    /**
     * A new device takes {@code role} (a rebuilt spare or a re-added member): from now on the
     * role's metadata is based on {@code superblock} (the device's own, as read or prepared),
     * and every member's table lists the device in that role and the previous one as faulty.
     */
    default void install(int role, io.uraid.core.sb.MdSuperblock superblock) {
        throw new UnsupportedOperationException("this array cannot take new members");
    }

    /**
     * A device starts replacing the member of {@code role}: every table lists it in that role
     * too, and its own metadata, based on {@code superblock}, says it is the replacement.
     */
    default void installReplacement(int role, io.uraid.core.sb.MdSuperblock superblock) {
        throw new UnsupportedOperationException("this array cannot take replacements");
    }

    /**
     * The member in {@code slot} (a role, or {@code role + raid disks} for its replacement) has
     * md's devflags {@code flags} (write-mostly, failfast): its own metadata records them from
     * the next update on.
     */
    default void setDevflags(int slot, int flags) {
        throw new UnsupportedOperationException("this array keeps no member flags");
    }

    /** The replacement of {@code role} was abandoned (it failed): the tables list it as faulty. */
    default void dropReplacement(int role) {
    }

    /**
     * The device that holds {@code role} now leaves it as faulty (it was replaced, or a spare
     * takes the role): every table lists it as faulty, and its own metadata can still be written
     * once by {@link #encodeRetired}. Called before {@link #install} gives the role to another
     * device. Returns the device's number in the tables (md's dev_number), or -1 when unknown.
     */
    default int retire(int role) {
        return -1;
    }

    /**
     * Fills {@code out} with the metadata of the device {@link #retire} returned {@code number}
     * for: as for the members ({@link #encode}), and its own entry says faulty.
     */
    default void encodeRetired(int number, MemberState[] states, long events, boolean clean, ByteBuffer out) {
        throw new UnsupportedOperationException("this array retires no devices");
    }
}
