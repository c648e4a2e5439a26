package io.uraid.core.spi;

import java.util.Arrays;

/**
 * The shape of an array as md records it in the superblock.
 *
 * @param level        md level number: -1 linear, 0, 1, 10 (later 4, 5, 6)
 * @param layout       md layout word (raid10: near | far &lt;&lt; 8 | offset &lt;&lt; 16; 0 otherwise)
 * @param chunkBytes   chunk size in bytes (0 for raid1)
 * @param memberBytes  usable data bytes of each role (index = role); equal for striped levels
 */
public record Geometry(int level, int layout, int chunkBytes, long[] memberBytes) {

    public Geometry {
        memberBytes = memberBytes.clone();
    }

    /** Equal-sized members. */
    public static Geometry uniform(int level, int layout, int chunkBytes, int raidDisks, long memberBytes) {
        long[] sizes = new long[raidDisks];
        Arrays.fill(sizes, memberBytes);
        return new Geometry(level, layout, chunkBytes, sizes);
    }

    public int raidDisks() {
        return memberBytes.length;
    }

    @Override
    public long[] memberBytes() {
        return memberBytes.clone();
    }

    public long memberBytes(int role) {
        return memberBytes[role];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry g && g.level == level && g.layout == layout && g.chunkBytes == chunkBytes
                && Arrays.equals(g.memberBytes, memberBytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * level + layout) + chunkBytes) + Arrays.hashCode(memberBytes);
    }

    @Override
    public String toString() {
        return "Geometry[level=" + level + ", layout=" + layout + ", chunk=" + chunkBytes
                + ", members=" + Arrays.toString(memberBytes) + "]";
    }
}
