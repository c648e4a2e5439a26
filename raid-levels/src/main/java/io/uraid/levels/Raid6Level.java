package io.uraid.levels;

/**
 * md level 6, {@code raid6}: two parity chunks (P and the GF(2^8) syndrome Q) per stripe; left-symmetric by default.
 */
public final class Raid6Level extends ParityLevel {
    public Raid6Level() {
        super(6, 2);
    }
}
