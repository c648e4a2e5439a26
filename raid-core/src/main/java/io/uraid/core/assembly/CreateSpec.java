package io.uraid.core.assembly;

import io.uraid.core.spi.RaidLevel;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code uraid create} was asked for.
 *
 * @param name             array name (stored as "homehost:name", as mdadm does)
 * @param homehost         host name part of the stored name
 * @param level            the RAID level
 * @param raidDisks        number of raid devices
 * @param chunkBytes       chunk size in bytes; 0 = mdadm's default (512 KiB for striped levels)
 * @param layout           md layout word; -1 = the level's default (raid10: n2)
 * @param devices          member paths in role order; {@link #MISSING} leaves a role empty (redundant levels)
 * @param force            overwrite devices that carry a superblock, file system or partition table
 * @param assumeClean      skip the initial mirror sync (members are known to hold the same bytes)
 * @param bitmap           write-intent bitmap ({@code --bitmap internal|none}); null = the default:
 *                         internal for redundant levels, none otherwise
 * @param bitmapChunkBytes bytes per bitmap bit ({@code --bitmap-chunk}); 0 = mdadm's default (64 MiB)
 * @param devflags         md's devflags per role (write-mostly, failfast), in role order; empty = none
 * @param writeBehind      md's bitmap write-behind limit ({@code --write-behind N}); 0 = off
 */
public record CreateSpec(String name, String homehost, RaidLevel level, int raidDisks, int chunkBytes, int layout,
                         List<Path> devices, boolean force, boolean assumeClean, BitmapMode bitmap,
                         int bitmapChunkBytes, List<Integer> devflags, int writeBehind) {

    /** md's largest write-behind limit (half the bitmap's 14-bit counter, as mdadm checks). */
    public static final int MAX_WRITE_BEHIND = 16383;

    /** The device name that stands for an empty role, as in mdadm. */
    public static final Path MISSING = Path.of("missing");

    /** {@code --bitmap}: an internal write-intent bitmap or none. */
    public enum BitmapMode {
        INTERNAL, NONE,
        /** No bitmap: raid5's partial parity log takes its place ({@code --consistency-policy=ppl}). */
        PPL;

        /** Parses "internal" or "none" (the CLI's spelling). */
        public static BitmapMode parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "internal" -> INTERNAL;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("--bitmap must be internal or none, not '" + s + "'");
            };
        }
    }

    public CreateSpec {
        devices = List.copyOf(devices);
        devflags = List.copyOf(devflags);
        if (bitmapChunkBytes < 0) {
            throw new IllegalArgumentException("bitmap chunk must not be negative");
        }
        if (!devflags.isEmpty() && devflags.size() != devices.size()) {
            throw new IllegalArgumentException("devflags must name every device or none");
        }
        if (writeBehind < 0 || writeBehind > MAX_WRITE_BEHIND) {
            throw new IllegalArgumentException("--write-behind must be 1.." + MAX_WRITE_BEHIND + ": " + writeBehind);
        }
    }

    /** A spec without member flags or write-behind. */
    public CreateSpec(String name, String homehost, RaidLevel level, int raidDisks, int chunkBytes, int layout,
                      List<Path> devices, boolean force, boolean assumeClean, BitmapMode bitmap, int bitmapChunkBytes) {
        this(name, homehost, level, raidDisks, chunkBytes, layout, devices, force, assumeClean, bitmap,
                bitmapChunkBytes, List.of(), 0);
    }

    /** md's devflags for the device in role {@code i}. */
    public int devflags(int i) {
        return devflags.isEmpty() ? 0 : devflags.get(i);
    }

    /** This spec with md's devflags per role and the write-behind limit. */
    public CreateSpec withMemberFlags(List<Integer> flags, int behind) {
        return new CreateSpec(name, homehost, level, raidDisks, chunkBytes, layout, devices, force, assumeClean,
                bitmap, bitmapChunkBytes, flags, behind);
    }

    /** A spec with the default bitmap choice. */
    public CreateSpec(String name, String homehost, RaidLevel level, int raidDisks, int chunkBytes, int layout,
                      List<Path> devices, boolean force, boolean assumeClean) {
        this(name, homehost, level, raidDisks, chunkBytes, layout, devices, force, assumeClean, null, 0);
    }

    /** The bitmap this array gets: the one asked for, else internal exactly for redundant levels. */
    public BitmapMode effectiveBitmap() {
        return bitmap != null ? bitmap : level.redundant() ? BitmapMode.INTERNAL : BitmapMode.NONE;
    }

    public CreateSpec withBitmap(BitmapMode mode, int chunk) {
        return new CreateSpec(name, homehost, level, raidDisks, chunkBytes, layout, devices, force, assumeClean,
                mode, chunk, devflags, writeBehind);
    }
}
