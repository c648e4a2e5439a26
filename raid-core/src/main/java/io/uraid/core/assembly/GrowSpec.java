package io.uraid.core.assembly;

/**
 * One change {@code uraid grow} makes to an array's shape, as {@code mdadm --grow} takes one at
 * a time: its raid device count (raid1), the space each member gives it (md's component size),
 * or its write-intent bitmap.
 *
 * @param raidDisks        the new raid device count, or 0 to keep it
 * @param sizeBytes        the new component size in bytes, {@link #MAX} for all the members
 *                         hold, or -1 to keep it
 * @param arraySizeBytes   the array size the caller confirms when the change shrinks the array
 *                         ({@code --array-size}, which mdadm asks for before cutting data), or -1
 * @param bitmap           {@code "internal"} or {@code "none"} to add or remove the internal
 *                         bitmap, or null to keep it
 * @param bitmapChunkBytes bytes per bit of a bitmap added (0: mdadm's default)
 */
public record GrowSpec(int raidDisks, long sizeBytes, long arraySizeBytes, String bitmap, int bitmapChunkBytes) {
    /** {@link #sizeBytes}: everything the members hold ({@code --size max}). */
    public static final long MAX = 0;

    public GrowSpec {
        int changes = (raidDisks > 0 ? 1 : 0) + (sizeBytes >= 0 ? 1 : 0) + (bitmap != null ? 1 : 0);
        if (changes != 1) {
            throw new IllegalArgumentException("grow changes one of --raid-devices, --size and --bitmap at a time"
                    + (changes == 0 ? ": none was given" : ""));
        }
        if (bitmap != null && !bitmap.equals("internal") && !bitmap.equals("none")) {
            throw new IllegalArgumentException("--bitmap must be internal or none, not '" + bitmap + "'");
        }
        if (bitmapChunkBytes != 0 && !"internal".equals(bitmap)) {
            throw new IllegalArgumentException("--bitmap-chunk goes with --bitmap internal");
        }
        if (arraySizeBytes >= 0 && sizeBytes < 0) {
            throw new IllegalArgumentException("--array-size confirms a --size that shrinks the array");
        }
    }

    public static GrowSpec raidDevices(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("--raid-devices must be at least 1: " + n);
        }
        return new GrowSpec(n, -1, -1, null, 0);
    }

    public static GrowSpec size(long bytes, long confirmArrayBytes) {
        return new GrowSpec(0, bytes, confirmArrayBytes, null, 0);
    }

    public static GrowSpec bitmap(String mode, int chunkBytes) {
        return new GrowSpec(0, -1, -1, mode, chunkBytes);
    }

    /** The words the daemon's control socket carries for this change. */
    public java.util.List<String> words() {
        java.util.List<String> w = new java.util.ArrayList<>();
        if (raidDisks > 0) {
            w.add("--raid-devices");
            w.add(Integer.toString(raidDisks));
        } else if (sizeBytes >= 0) {
            w.add("--size");
            w.add(sizeBytes == MAX ? "max" : Long.toString(sizeBytes));
            if (arraySizeBytes >= 0) {
                w.add("--array-size");
                w.add(Long.toString(arraySizeBytes));
            }
        } else {
            w.add("--bitmap");
            w.add(bitmap);
            if (bitmapChunkBytes != 0) {
                w.add("--bitmap-chunk");
                w.add(Integer.toString(bitmapChunkBytes));
            }
        }
        return w;
    }

    /** Reads what {@link #words()} wrote (bad words: IllegalArgumentException with the usage). */
    public static GrowSpec parse(java.util.List<String> words) {
        int disks = 0;
        long size = -1;
        long confirm = -1;
        String bitmap = null;
        int chunk = 0;
        try {
            for (int i = 0; i < words.size(); i += 2) {
                String v = words.get(i + 1);
                switch (words.get(i)) {
                    case "--raid-devices" -> disks = Integer.parseInt(v);
                    case "--size" -> size = v.equals("max") ? MAX : Long.parseLong(v);
                    case "--array-size" -> confirm = Long.parseLong(v);
                    case "--bitmap" -> bitmap = v;
                    case "--bitmap-chunk" -> chunk = Integer.parseInt(v);
                    default -> throw new IndexOutOfBoundsException(words.get(i));
                }
            }
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("usage: grow NAME --raid-devices N | --size max|BYTES [--array-size BYTES]"
                    + " | --bitmap internal|none [--bitmap-chunk BYTES]");
        }
        if (disks < 0 || disks == 0 && words.contains("--raid-devices")) {
            throw new IllegalArgumentException("--raid-devices must be at least 1: " + disks);
        }
        return new GrowSpec(disks, size, confirm, bitmap, chunk);
    }
}
