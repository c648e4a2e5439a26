package io.uraid.levels;

/**
 * md level 5, {@code raid5}: one rotating parity chunk (P) per stripe; left-symmetric by default.
 */
public final class Raid5Level extends ParityLevel {
    public Raid5Level() {
        super(5, 2);
    }
}
