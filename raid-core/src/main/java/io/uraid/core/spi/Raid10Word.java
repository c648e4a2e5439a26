package io.uraid.core.spi;

/**
 * md's raid10 layout word, decoded in one place: near copies in bits 0-7, far copies in bits
 * 8-15, bit 16 "offset" (far copies in the next stripe instead of far down the disk), bits 17-18
 * the far-set variant (raid10.c {@code setup_geo}). The level's layout validates a word for a
 * disk count; status and examine output name it from here.
 *
 * @param near    near copies
 * @param far     far (or offset) copies
 * @param offset  far copies are offset copies
 * @param variant far-set variant: 0 original, 1 sets of disks / far (md warns), 2 sets of near * far
 */
public record Raid10Word(int near, int far, boolean offset, int variant) {

    /** The fields of {@code layout}, unchecked (a word md would refuse decodes too). */
    public static Raid10Word decode(int layout) {
        return new Raid10Word(layout & 0xff, (layout >>> 8) & 0xff, (layout & (1 << 16)) != 0, layout >>> 17);
    }

    public int copies() {
        return near * far;
    }

    /**
     * mdadm's name after "Layout :", with its leading space: " near=2", " far=2", " offset=2",
     * " near=2, far=2" (print_r10_layout).
     */
    public String mdadmName() {
        StringBuilder s = new StringBuilder();
        String sep = "";
        if (near != 1) {
            s.append(sep).append(" near=").append(near);
            sep = ",";
        }
        if (far != 1) {
            s.append(sep).append(' ').append(offset ? "offset" : "far").append('=').append(far);
        }
        if (near * far == 1) {
            s.append("NO REDUNDANCY");
        }
        return s.toString();
    }

    /** /proc/mdstat's copies text after the chunk: "2 near-copies", "2 far-copies", "2 offset-copies", or both. */
    public String mdstatCopies() {
        StringBuilder b = new StringBuilder();
        if (near > 1) {
            b.append(near).append(" near-copies");
        }
        if (far > 1) {
            b.append(b.length() > 0 ? " " : "").append(far).append(offset ? " offset-copies" : " far-copies");
        }
        return b.toString();
    }

    /** mdadm's short name for --layout: n2, f2, o2. */
    public String shortName() {
        return far == 1 ? "n" + near : (offset ? "o" : "f") + far;
    }
}
