package io.uraid.core.report;

/**
 * A hot spare waiting for a role, as status output shows it (mdadm --detail's "spare" rows,
 * mdstat's {@code (S)}).
 *
 * @param number md's device number (the spare's dev_number)
 * @param path   the device path
 * @param major  device major number (0 for a regular file)
 * @param minor  device minor number
 */
public record SpareStatus(int number, String path, int major, int minor) {
}
