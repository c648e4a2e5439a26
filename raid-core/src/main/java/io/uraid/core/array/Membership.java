package io.uraid.core.array;

import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.io.BlockDevice;
import io.uraid.io.Errno;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The one owner of an array's membership: which device holds each role and in what state, the
 * devices being copied in as replacements, and the devices that left their role as faulty (a
 * member replaced, or whose role a spare took) and stay listed, md's {@code (F)} without a
 * raid disk, until they are removed. Every transition happens here and asks for the superblock
 * update that records it, so no caller can change a member without the metadata following.
 *
 * <p>Dispatcher thread only; status readers on other threads see member states through their
 * volatile fields and {@link #displaced()} through a copy-on-write array.
 */
final class Membership {
    /** The engine's logger for member changes: they log where they always did. */
    private static final Logger LOG = Logger.getLogger(ArrayCore.class.getName());

    private final String name;
    private final RaidLevel level;
    private final Geometry geometry;
    private final MetadataUpdater metadata;
    /** Per role, its member (a slot with device null when missing). */
    final Member[] members;
    /**
     * Per role, a device being copied in to replace the member while it stays in service
     * (md's replacement), or null. Legs address it as slot {@code role + members.length}.
     */
    final Member[] replacements;
    int replacementCount;
    /** Faulty devices without a role, oldest first (md lists them with RaidDevice "-"). */
    private volatile Displaced[] displaced = new Displaced[0];

    Membership(String name, RaidLevel level, Geometry geometry, Member[] members, MetadataUpdater metadata) {
        this.name = name;
        this.level = level;
        this.geometry = geometry;
        this.members = members;
        this.replacements = new Member[members.length];
        this.metadata = metadata;
    }

    /** The member a leg slot addresses: a role, or a role's replacement (slot = role + raid disks). */
    Member slot(int s) {
        if (s < members.length) {
            return members[s];
        }
        Member rep = replacements[s - members.length];
        return rep != null ? rep : members[s - members.length]; // promoted while its legs were in flight
    }

    /** Bit i set = role i in sync. */
    long workingRoles() {
        long mask = 0;
        for (Member m : members) {
            if (m.inSync()) {
                mask |= 1L << m.role();
            }
        }
        return mask;
    }

    /** The faulty devices that left their role and are not removed yet. */
    Displaced[] displaced() {
        return displaced;
    }

    /**
     * A leg on {@code slot} failed with {@code errno}. Marks the member faulty when the array
     * can serve every byte without it (md never fails the last copy); a device being rebuilt or
     * copied in is failed at once (nothing relies on it yet, but its own superblock says how far
     * it got, so the failure is recorded before anything that depended on it is acknowledged).
     *
     * @return true when the failure is absorbed by redundancy
     */
    boolean fail(int slot, int errno) {
        Member m = slot(slot);
        m.errors++;
        if (!level.redundant()) {
            return false;
        }
        if (m.state() == MemberState.REBUILDING) {
            m.setState(MemberState.FAULTY);
            LOG.warning(name + ": " + describe(m) + " failed while being rebuilt (" + Errno.name(errno) + ")");
            metadata.markDirty(); // its superblock says how far it got: the others must say faulty first
            return true;
        }
        if (!m.inSync()) {
            return true; // already failed by an earlier leg; this leg's data was never relied on
        }
        int role = m.role();
        long without = workingRoles() & ~(1L << role);
        if (level.failedArray(geometry, without)) {
            LOG.warning(name + ": I/O error (" + Errno.name(errno) + ") on " + describe(m)
                    + ", the last good copy: not failing it");
            return false;
        }
        m.setState(MemberState.FAULTY);
        LOG.warning(name + ": " + describe(m) + " failed (" + Errno.name(errno) + "), array continues degraded");
        metadata.markDirty();
        return true;
    }

    /** Marks a member faulty on request (uraid fail). Returns false if that would lose data. */
    boolean failOnRequest(int role) {
        Member m = members[role];
        if (!m.inSync()) {
            return true;
        }
        if (level.redundant() && level.failedArray(geometry, workingRoles() & ~(1L << role))) {
            return false;
        }
        m.setState(MemberState.FAULTY);
        LOG.warning(name + ": " + describe(m) + " marked faulty by request");
        metadata.markDirty();
        return true;
    }

    /**
     * Takes a faulty member out of its slot (uraid remove). Returns its device, which the caller
     * closes, or null when the member is not faulty or legs to it are still in flight.
     */
    BlockDevice remove(int role) {
        Member m = members[role];
        if (m.state() != MemberState.FAULTY || m.pending > 0) {
            return null;
        }
        members[role] = new Member(role, null, 0, MemberState.MISSING);
        LOG.info(name + ": " + describe(m) + " removed");
        return m.device();
    }

    /**
     * Releases a faulty device that left its role (uraid remove). Returns it, for the caller to
     * close, or null when {@code device} is not such a device or still has legs in flight.
     */
    BlockDevice removeDisplaced(BlockDevice device) {
        Displaced[] now = displaced;
        for (int i = 0; i < now.length; i++) {
            Member m = now[i].member();
            if (m.device() == device) {
                if (m.pending > 0) {
                    return null;
                }
                Displaced[] rest = new Displaced[now.length - 1];
                System.arraycopy(now, 0, rest, 0, i);
                System.arraycopy(now, i + 1, rest, i, rest.length - i);
                displaced = rest;
                LOG.info(name + ": " + device.path() + " removed");
                return device;
            }
        }
        return null;
    }

    /**
     * Puts {@code device} into {@code role} as a member being rebuilt from its start: it takes
     * client writes from now on and no reads. {@code superblock} (the device's own) becomes the
     * role's metadata at once, so the next superblock update (asked for here) records the device
     * in the role with recovery offset 0 on every member, itself included: a crash from now on
     * brings it back as the role's member being rebuilt, not as a spare. A failed device that
     * held the role stays listed as faulty until removed, and its own superblock is rewritten
     * to say it is no longer the role's member.
     */
    Member installRebuilding(int role, BlockDevice device, long dataOffset, MdSuperblock superblock) {
        Member old = members[role];
        if (old.device() != null && old.device() != device) {
            retire(old, role);
        }
        Member m = new Member(role, device, dataOffset, 0L).withDevflags(superblock.devflags());
        members[role] = m;
        metadata.install(role, superblock);
        metadata.markDirty();
        return m;
    }

    /**
     * Starts copying {@code role} onto {@code device} while the member stays in service: every
     * client write also goes to the device (slot {@code role + raidDisks}).
     */
    Member installReplacement(int role, BlockDevice device, long dataOffset, MdSuperblock superblock) {
        Member m = new Member(role + members.length, device, dataOffset, 0L).withDevflags(superblock.devflags());
        replacements[role] = m;
        replacementCount++;
        // Recorded at once (md's replacement feature), so a crash brings it back as the replacement.
        metadata.installReplacement(role, superblock);
        metadata.markDirty();
        return m;
    }

    /**
     * The replacement of {@code role} is a full copy: it takes the role; the old member is
     * failed and stays listed as faulty until removed (md marks a replaced device faulty).
     */
    void promoteReplacement(int role, MdSuperblock superblock) {
        Member rep = replacements[role];
        replacements[role] = null;
        replacementCount--;
        Member old = members[role];
        old.setState(MemberState.FAULTY);
        retire(old, role);
        rep.promoteTo(role);
        rep.setState(MemberState.IN_SYNC);
        members[role] = rep;
        metadata.install(role, superblock);
        metadata.markDirty();
    }

    /** Forgets the replacement of {@code role} (it failed, or the copy was abandoned). */
    void dropReplacement(int role) {
        if (replacements[role] != null) {
            replacements[role] = null;
            replacementCount--;
            metadata.dropReplacement(role);
            metadata.markDirty();
        }
    }

    /**
     * Sets md's devflags (write-mostly, failfast) of the member in {@code slot}: it behaves so
     * from now on, and the next superblock update, asked for here, records them on its device.
     */
    void setDevflags(int slot, int flags) {
        Member m = slot(slot);
        m.setDevflags(flags);
        metadata.setDevflags(slot, flags);
        metadata.markDirty();
    }

    /** The rebuilt member of {@code role} holds every byte: it serves reads and the superblocks say so. */
    void promote(int role, MdSuperblock superblock) {
        metadata.install(role, superblock);
        members[role].setState(MemberState.IN_SYNC);
        metadata.markDirty();
    }

    /**
     * Records that the first {@code bytes} of the data area of the device being rebuilt in
     * {@code slot} are durable copies (the caller flushed them): the next superblock update,
     * asked for here, writes it as md's recovery_offset.
     */
    void checkpoint(int slot, long bytes) {
        Member m = slot(slot);
        if (m.state() == MemberState.REBUILDING && bytes > m.recoveryOffset()) {
            m.setRecoveryOffset(bytes);
            metadata.markDirty();
        }
    }

    /** {@code old}, the device of {@code role}, leaves it: listed as faulty, its superblock rewritten once. */
    private void retire(Member old, int role) {
        if (old.state() != MemberState.FAULTY) {
            old.setState(MemberState.FAULTY);
        }
        int number = metadata.retire(role, old);
        Displaced[] now = displaced;
        Displaced[] more = Arrays.copyOf(now, now.length + 1);
        more[now.length] = new Displaced(old, number);
        displaced = more;
    }

    static String describe(Member m) {
        return m.device() == null ? "role " + m.role() : m.device().path() + " (role " + m.role() + ")";
    }
}
