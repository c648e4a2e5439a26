package io.uraid.core.assembly;

import io.uraid.core.array.MemberState;
import io.uraid.core.array.SuperblockWriter;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Rewrites md v1.2 superblocks when an array's state changes: events and update time, the
 * clean/active mark (resync_offset as md writes it: MaxSector when clean, 0 while active), and
 * faulty roles (dev_roles[slot] = 0xfffe), and on a member being rebuilt its recovery_offset
 * (feature bit 2, as md). Each member keeps its own identity fields.
 */
final class MdSuperblockWriter implements SuperblockWriter {
    private final MdSuperblock[] byRole;
    /** Per role, the superblock of the device replacing its member, or null. */
    private final MdSuperblock[] replacements;
    /** dev_roles entries set by member changes after assembly: slot -> role (-1: none). */
    private final int[] slotRoles = new int[MdConstants.V1_MAX_DEVS];
    /** Superblocks of devices that left their role as faulty, by dev_number (see {@link #retire}). */
    private final java.util.Map<Integer, MdSuperblock> retired = new java.util.HashMap<>();

    /** What a clean mark writes as resync_offset: MaxSector, or where an interrupted resync stopped. */
    private long cleanResyncOffset = MdConstants.RESYNC_DONE;

    @Override
    public synchronized void resyncCheckpoint(long bytes) {
        cleanResyncOffset = bytes / SECTOR;
    }

    /** @param byRole the current superblock of each role's device (null for missing roles) */
    MdSuperblockWriter(MdSuperblock[] byRole) {
        this.byRole = byRole.clone();
        this.replacements = new MdSuperblock[byRole.length];
        java.util.Arrays.fill(slotRoles, -1);
    }

    /** The superblock last written for the replacement of {@code role}, or null when it has none. */
    synchronized MdSuperblock currentReplacement(int role) {
        return replacements[role];
    }

    @Override
    public synchronized void install(int role, MdSuperblock superblock) {
        MdSuperblock old = byRole[role];
        if (old != null && old.devNumber() != superblock.devNumber()) {
            slotRoles[old.devNumber()] = MdConstants.ROLE_FAULTY;
        }
        slotRoles[superblock.devNumber()] = role;
        byRole[role] = superblock;
        replacements[role] = null;
    }

    /**
     * The device of {@code slot} is not in the array: every table written from now on lists the
     * slot as no device (0xffff), as md does for a slot without a device (a degraded start, a
     * member left out as stale).
     */
    synchronized void recordAbsent(int slot) {
        slotRoles[slot] = MdConstants.ROLE_SPARE;
    }

    @Override
    public synchronized void installReplacement(int role, MdSuperblock superblock) {
        slotRoles[superblock.devNumber()] = role;
        replacements[role] = superblock;
    }

    @Override
    public synchronized void setDevflags(int slot, int flags) {
        boolean replacement = slot >= byRole.length;
        int role = replacement ? slot - byRole.length : slot;
        MdSuperblock[] table = replacement ? replacements : byRole;
        if (table[role] != null) {
            table[role] = table[role].toBuilder().devflags(flags).build();
        }
    }

    @Override
    public synchronized void dropReplacement(int role) {
        MdSuperblock rep = replacements[role];
        if (rep != null) {
            slotRoles[rep.devNumber()] = MdConstants.ROLE_FAULTY;
            replacements[role] = null;
        }
    }

    @Override
    public synchronized int retire(int role) {
        MdSuperblock old = byRole[role];
        if (old == null) {
            return -1;
        }
        retired.put(old.devNumber(), old);
        slotRoles[old.devNumber()] = MdConstants.ROLE_FAULTY;
        return old.devNumber();
    }

    @Override
    public synchronized void encodeRetired(int number, MemberState[] states, long events, boolean clean,
                                           ByteBuffer out) {
        MdSuperblock sb = describe(retired.get(number), states, events, clean, -1, false);
        retired.put(number, sb);
        out.clear();
        out.put(sb.encode());
        out.clear();
    }

    /** dev_numbers of the devices that left their role (not to be given to a new device). */
    synchronized java.util.Set<Integer> retiredNumbers() {
        return java.util.Set.copyOf(retired.keySet());
    }

    @Override
    public long superblockOffset() {
        return SECTOR * 8;
    }

    @Override
    public int blockSize() {
        return MdConstants.SUPERBLOCK_BYTES;
    }

    private static final long SECTOR = 512;

    @Override
    public synchronized void encode(int slot, MemberState[] states, long events, boolean clean, long recoveryOffset,
                                    ByteBuffer out) {
        boolean replacement = slot >= byRole.length;
        int role = replacement ? slot - byRole.length : slot;
        MdSuperblock base = replacement ? replacements[role] : byRole[role];
        MdSuperblock sb = describe(base, states, events, clean, recoveryOffset, replacement);
        if (replacement) {
            replacements[role] = sb;
        } else {
            byRole[role] = sb;
        }
        out.clear();
        out.put(sb.encode());
        out.clear();
    }

    /** {@code base} brought up to date: events, time, clean mark, progress, and every table entry. */
    private MdSuperblock describe(MdSuperblock base, MemberState[] states, long events, boolean clean,
                                  long recoveryOffset, boolean replacement) {
        int features = base.featureMap() & ~(MdConstants.FEATURE_RECOVERY_OFFSET | MdConstants.FEATURE_REPLACEMENT);
        features |= replacement ? MdConstants.FEATURE_REPLACEMENT : 0;
        int logs = MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS;
        if ((features & logs) != 0) {
            features = features & ~logs | PplHeader.runningFeature(anyMultipleLogs()); // as md's running array
        }
        MdSuperblock.Builder b = base.toBuilder()
                .featureMap(recoveryOffset < 0 ? features : features | MdConstants.FEATURE_RECOVERY_OFFSET)
                .recoveryOffset(recoveryOffset < 0 ? 0 : recoveryOffset / SECTOR)
                .events(events)
                .utime(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) // as md writes it
                .resyncOffset(clean ? cleanResyncOffset : 0);
        for (int dev = 0; dev < slotRoles.length; dev++) {
            if (slotRoles[dev] >= 0) {
                b.devRole(dev, slotRoles[dev]);
            }
        }
        for (int r = 0; r < states.length; r++) {
            if (states[r] == MemberState.FAULTY && byRole[r] != null) {
                b.devRole(byRole[r].devNumber(), MdConstants.ROLE_FAULTY);
            }
        }
        return b.build();
    }

    /** True when any member's log area holds several log writes (md's MD_HAS_MULTIPLE_PPLS). */
    private boolean anyMultipleLogs() {
        for (MdSuperblock sb : byRole) {
            if (sb != null && PplHeader.multipleLogs(sb.pplSize())) {
                return true;
            }
        }
        return false;
    }

    /** The superblock last written for {@code role} (for detail output). */
    synchronized MdSuperblock current(int role) {
        return byRole[role];
    }
}
