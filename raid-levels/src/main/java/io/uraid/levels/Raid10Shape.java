package io.uraid.levels;

/**
 * The copy arrangement a raid10 layout word describes, and which role holds each copy.
 *
 * <p>The word is md's: near copies in bits 0-7, far copies in bits 8-15, bit 16 "offset" (far
 * copies in the next stripe instead of far down the disk), bits 17-18 the far-set variant
 * (raid10.c {@code setup_geo}): 0 original (one set of all disks), 1 "improved" sets of
 * {@code disks / far} disks (buggy, md warns), 2 sets of {@code near * far} disks. The last set
 * absorbs the remainder when the disks do not divide evenly.
 *
 * <p>Accepted: pure near ({@code nN}), and pure far or offset ({@code fN}, {@code oN}) in any
 * far-set variant that keeps copies on distinct disks. Mixing near &gt; 1 with far &gt; 1 is
 * refused: mdadm cannot create it, and md's own arithmetic then places some copies on top of
 * each other (offset with {@code disks % near != 0}) or on one disk (far sets).
 */
public final class Raid10Shape {

    private final int disks;
    private final int near;
    private final int far;
    private final boolean offset;
    private final int farSetSize;
    private final int lastSetStart;
    private final int lastSetSize;

    private Raid10Shape(int disks, int near, int far, boolean offset, int farSetSize) {
        this.disks = disks;
        this.near = near;
        this.far = far;
        this.offset = offset;
        this.farSetSize = farSetSize;
        // md: the last far set starts at the last whole multiple of the set size below the
        // disk count and takes the leftover disks with it.
        this.lastSetStart = (disks / farSetSize - 1) * farSetSize;
        this.lastSetSize = farSetSize + disks % farSetSize;
    }

    /**
     * Decodes an md raid10 layout word for {@code disks} raid devices.
     *
     * @throws IllegalArgumentException when md would refuse the word or uraid does not support it
     */
    public static Raid10Shape of(int layout, int disks) {
        String word = String.format("0x%x", layout);
        if (layout < 0 || layout >>> 19 != 0 || layout >>> 17 == 3) {
            throw new IllegalArgumentException("not a valid raid10 layout: " + word);
        }
        io.uraid.core.spi.Raid10Word w = io.uraid.core.spi.Raid10Word.decode(layout);
        int near = w.near();
        int far = w.far();
        boolean offset = w.offset();
        int variant = w.variant();
        if (near == 0 || far == 0) {
            throw new IllegalArgumentException("raid10 layout " + word + " has zero near or far copies");
        }
        int copies = near * far;
        if (copies < 2) {
            throw new IllegalArgumentException("raid10 layout " + word + " keeps a single copy; md needs at least 2");
        }
        if (copies > disks) {
            throw new IllegalArgumentException("raid10 layout " + word + " keeps " + copies + " copies but there are only "
                    + disks + " raid devices");
        }
        if (near > 1 && far > 1) {
            throw new IllegalArgumentException("raid10 layout " + word
                    + " mixes near and far/offset copies, which uraid does not support");
        }
        int farSetSize = variant == 0 ? disks : variant == 1 ? disks / far : far * near;
        if (far > 1 && farSetSize < far) {
            // md itself warns that this variant "does not provide data safety": copies share disks.
            throw new IllegalArgumentException("raid10 layout " + word + " puts copies on the same disk with "
                    + disks + " raid devices");
        }
        return new Raid10Shape(disks, near, far, offset, farSetSize);
    }

    public int disks() {
        return disks;
    }

    public int near() {
        return near;
    }

    public int far() {
        return far;
    }

    /** True for the "offset" layouts: far copies sit in the following stripes. */
    public boolean offset() {
        return offset;
    }

    public int farSetSize() {
        return farSetSize;
    }

    public int copies() {
        return near * far;
    }

    /**
     * Role holding copy {@code copy} of a chunk whose first copy is on role {@code firstDevice}.
     * Copies are numbered as md numbers its slots: near copy {@code copy / far}, far copy
     * {@code copy % far}.
     */
    int device(int firstDevice, int copy) {
        int d = firstDevice + copy / far;
        if (d >= disks) {
            d -= disks;
        }
        for (int f = copy % far; f > 0; f--) {
            d = nextFar(d);
        }
        return d;
    }

    /** True when near copy {@code copy / far} wrapped past the last disk into the next row. */
    boolean wrapped(int firstDevice, int copy) {
        return firstDevice + copy / far >= disks;
    }

    /** Role of the next far copy: {@code near} disks further on, rotating inside the far set (raid10.c). */
    private int nextFar(int d) {
        int set = d / farSetSize;
        int next = d + near;
        if (disks % farSetSize != 0 && next > lastSetStart) {
            return (next - lastSetStart) % lastSetSize + lastSetStart;
        }
        return next % farSetSize + farSetSize * set;
    }

    /** mdadm's name for the layout: n2, f2, o2. */
    @Override
    public String toString() {
        return new io.uraid.core.spi.Raid10Word(near, far, offset, 0).shortName();
    }
}
