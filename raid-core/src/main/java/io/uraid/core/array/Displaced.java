package io.uraid.core.array;

/**
 * A device that left its role as faulty (it was replaced, or a hot spare took its role) and is
 * still held by the array until it is removed: md lists it as faulty without a raid device.
 *
 * @param member the device's slot as it was when it left (its {@link Member#role()} is the role it held)
 * @param number md's device number of the device (its dev_number), or -1 when unknown
 */
public record Displaced(Member member, int number) {
}
