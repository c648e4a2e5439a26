package io.uraid.levels;

/**
 * md level 4, {@code raid4}: parity always on the last disk (mdadm writes layout word 0).
 */
public final class Raid4Level extends ParityLevel {
    public Raid4Level() {
        super(4, 0);
    }
}
