package io.uraid.core.assembly;

import io.uraid.core.spi.RaidLevel;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code uraid create} was asked for.
 *
 * @param name        array name (stored as "homehost:name", as mdadm does)
 * @param homehost    host name part of the stored name
 * @param level       the RAID level
 * @param raidDisks   number of raid devices
 * @param chunkBytes  chunk size in bytes; 0 = mdadm's default (512 KiB for striped levels)
 * @param layout      md layout word; -1 = the level's default (raid10: n2)
 * @param devices     member paths in role order; {@link #MISSING} leaves a role empty (redundant levels)
 * @param force       overwrite devices that carry a superblock, file system or partition table
 * @param assumeClean skip the initial mirror sync (members are known to hold the same bytes)
 */
public record CreateSpec(String name, String homehost, RaidLevel level, int raidDisks, int chunkBytes, int layout,
                         List<Path> devices, boolean force, boolean assumeClean) {

    /** The device name that stands for an empty role, as in mdadm. */
    public static final Path MISSING = Path.of("missing");

    public CreateSpec {
        devices = List.copyOf(devices);
    }
}
