package io.uraid.levels;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.Layout;
import java.util.Arrays;

/**
 * md {@code raid0}: chunks striped over the members, in strip zones when the members differ in
 * size, as raid0.c {@code create_strip_zones} builds them.
 *
 * <p>md rounds each member down to a whole number of chunks. Zone 0 stripes over every member
 * up to the smallest rounded size; each next zone stripes, in role order, over the members
 * still longer than where the zone starts, up to the next smallest size; so every byte of every
 * (rounded) member is used. Within a zone, chunk {@code k} of the zone lies in row
 * {@code k / n} (n = the zone's members) of the zone's stretch of its member. Which member of
 * the zone, the layout word says (md reads it since Linux 5.4):
 * <ul>
 * <li>{@link #ORIGINAL} (1): the array chunk number mod n, counted from the start of the array
 *     (what Linux did before 3.14 and what mdadm writes by default);</li>
 * <li>{@link #ALTERNATE} (2): the chunk number within the zone mod n (Linux 3.14 to 5.3).</li>
 * </ul>
 * Both agree when there is one zone or the second zone has one member; otherwise an array
 * whose superblock records no layout (no feature bit 4096; assembly passes layout word 0 then)
 * is ambiguous, and md refuses to start it, as uraid does.
 *
 * <p>The chunk need not be a power of two: md's raid0 accepts any multiple of the logical
 * block size. uraid asks for a multiple of 4 KiB, its I/O block.
 */
public final class Raid0Layout implements Layout {

    /** md's RAID0_ORIG_LAYOUT: the member of a zone chosen by the array chunk number. */
    public static final int ORIGINAL = 1;
    /** md's RAID0_ALT_MULTIZONE_LAYOUT: the member of a zone chosen by the zone chunk number. */
    public static final int ALTERNATE = 2;

    private final int disks;
    private final long chunk;
    /** Per zone: exclusive array offset where it ends. */
    private final long[] zoneEnd;
    /** Per zone: the member offset where it starts (the same on each of its members). */
    private final long[] zoneMemberStart;
    /** Per zone: its members' roles, in role order. */
    private final int[][] zoneRoles;
    /** Per role: bytes the array uses (its size rounded down to whole chunks). */
    private final long[] used;
    /** Whether the member of a zone is picked by the array chunk number (ORIGINAL) or the zone's. */
    private final boolean countFromArrayStart;

    /**
     * @throws IllegalArgumentException when the geometry is not a valid raid0, or needs a
     *                                  layout word it does not have
     */
    public Raid0Layout(Geometry geometry) {
        LevelChecks.requireLevel(geometry, Raid0Level.MD_LEVEL, Raid0Level.NAME);
        LevelChecks.requireDisks(geometry, Raid0Level.MIN_DISKS, Raid0Level.NAME);
        chunk = geometry.chunkBytes();
        if (chunk <= 0 || chunk % LevelChecks.MIN_CHUNK != 0) {
            throw new IllegalArgumentException("raid0 chunk must be a positive multiple of " + LevelChecks.MIN_CHUNK
                    + " bytes: " + chunk);
        }
        disks = geometry.raidDisks();
        used = new long[disks];
        for (int role = 0; role < disks; role++) {
            used[role] = geometry.memberBytes(role) - geometry.memberBytes(role) % chunk;
            if (used[role] <= 0) {
                throw new IllegalArgumentException("raid0 member " + role + " holds less than one chunk ("
                        + geometry.memberBytes(role) + " bytes)");
            }
        }
        long[] sizes = Arrays.stream(used).distinct().sorted().toArray();
        zoneEnd = new long[sizes.length];
        zoneMemberStart = new long[sizes.length];
        zoneRoles = new int[sizes.length][];
        long start = 0;
        long end = 0;
        for (int z = 0; z < sizes.length; z++) {
            long from = start;
            zoneRoles[z] = java.util.stream.IntStream.range(0, disks).filter(r -> used[r] > from).toArray();
            zoneMemberStart[z] = start;
            end = Math.addExact(end, Math.multiplyExact(sizes[z] - start, zoneRoles[z].length));
            zoneEnd[z] = end;
            start = sizes[z];
        }
        boolean layoutMatters = zoneRoles.length > 1 && zoneRoles[1].length > 1;
        int word = geometry.layout();
        if (layoutMatters && word != ORIGINAL && word != ALTERNATE) {
            throw new IllegalArgumentException("raid0 members of different sizes make " + zoneRoles.length
                    + " zones, which need layout original (1) or alternate (2); this array records "
                    + (word == 0 ? "none" : "layout " + word) + " (md refuses it too unless raid0.default_layout is set)");
        }
        countFromArrayStart = !layoutMatters || word == ORIGINAL;
    }

    /** Bytes of {@code role} that the array uses (its size rounded down to whole chunks). */
    public long usedBytes(int role) {
        return used[role];
    }

    /** Number of strip zones (1 when the members are equal after rounding). */
    public int zones() {
        return zoneEnd.length;
    }

    @Override
    public long arraySize() {
        return zoneEnd[zoneEnd.length - 1];
    }

    @Override
    public int raidDisks() {
        return disks;
    }

    @Override
    public int copies() {
        return 1;
    }

    @Override
    public long bytesToBoundary(long arrayOffset) {
        // Zones end on chunk boundaries (each is whole chunks times its members).
        return chunk - arrayOffset % chunk;
    }

    @Override
    public int member(long arrayOffset, int copy) {
        int z = zone(arrayOffset);
        long chunkNumber = (countFromArrayStart ? arrayOffset : arrayOffset - zoneStart(z)) / chunk;
        return zoneRoles[z][(int) (chunkNumber % zoneRoles[z].length)];
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        int z = zone(arrayOffset);
        long inZone = arrayOffset - zoneStart(z);
        long row = inZone / (chunk * zoneRoles[z].length);
        return zoneMemberStart[z] + row * chunk + arrayOffset % chunk;
    }

    private long zoneStart(int z) {
        return z == 0 ? 0 : zoneEnd[z - 1];
    }

    /** The zone holding {@code arrayOffset}: few zones (at most one per distinct member size), so a scan. */
    private int zone(long arrayOffset) {
        int z = 0;
        while (z < zoneEnd.length - 1 && arrayOffset >= zoneEnd[z]) {
            z++;
        }
        return z;
    }
}
