package io.uraid.core.report;

import io.uraid.core.array.MemberState;

/**
 * One raid device slot as status output shows it.
 *
 * @param role        raid device index (md's RaidDevice)
 * @param number      md's device number (the superblock's dev_number), or -1 when unknown/missing
 * @param path        the device path, or null when the slot is missing
 * @param major       device major number (0 for a regular file or a missing slot)
 * @param minor       device minor number
 * @param state       in sync, faulty or missing
 * @param errors      I/O errors seen on this member since start
 * @param writeMostly the device is write-mostly (md's {@code (W)})
 * @param failfast    the device is failfast (md's devflag)
 */
public record MemberStatus(int role, int number, String path, int major, int minor, MemberState state,
                           long errors, boolean writeMostly, boolean failfast) {

    /** A member with write-mostly as given and failfast off. */
    public MemberStatus(int role, int number, String path, int major, int minor, MemberState state, long errors,
                        boolean writeMostly) {
        this(role, number, path, major, minor, state, errors, writeMostly, false);
    }

    /** A member not marked write-mostly. */
    public MemberStatus(int role, int number, String path, int major, int minor, MemberState state, long errors) {
        this(role, number, path, major, minor, state, errors, false);
    }
}
