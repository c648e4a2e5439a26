package io.uraid.core.report;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.Geometry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A consistent-enough snapshot of a running array for status output ({@link DetailFormatter},
 * {@link MdstatFormatter}): shape, identity from the members' superblocks, and member states.
 * Identity fields are null when the array runs without metadata.
 *
 * @param device       the name printed first (e.g. "/dev/md/name" or "name")
 * @param level        md level number; {@code levelName} as md prints it ("raid10")
 * @param arrayBytes   usable size of the array
 * @param memberBytes  data bytes used on each member
 * @param setName      "homehost:name" from the superblock, or the array's name without metadata
 * @param uuid         array UUID as mdadm prints it, or null
 * @param created      creation time, or null
 * @param updated      last superblock update, or null
 * @param clean        the superblocks say clean (no write in flight)
 * @param running      the dispatcher runs
 * @param bitmap       the members carry an internal write-intent bitmap
 */
public record ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                          long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                          long events, String setName, String uuid, Instant created, Instant updated,
                          boolean clean, boolean running, boolean bitmap, List<SpareStatus> spares) {

    public ArrayStatus {
        members = List.copyOf(members);
        spares = List.copyOf(spares);
    }

    /** An array without hot spares. */
    public ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                       long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                       long events, String setName, String uuid, Instant created, Instant updated,
                       boolean clean, boolean running, boolean bitmap) {
        this(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices, members, events,
                setName, uuid, created, updated, clean, running, bitmap, List.of());
    }

    /** Snapshot of an assembled array with its superblocks and its waiting hot spares. */
    public static ArrayStatus of(String device, OpenArray open) {
        ArrayStatus s = of(device, open.array(), open::superblock);
        List<SpareStatus> spares = new ArrayList<>();
        for (var w : open.redundancy().waitingSpares()) {
            int[] majMin = majorMinor(w.device().path());
            spares.add(new SpareStatus(w.superblock().devNumber(), w.device().path().toString(), majMin[0],
                    majMin[1]));
        }
        return s.withSpares(spares);
    }

    /** This snapshot with {@code spares} as its waiting hot spares. */
    public ArrayStatus withSpares(List<SpareStatus> spares) {
        return new ArrayStatus(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices,
                members, events, setName, uuid, created, updated, clean, running, bitmap, spares);
    }

    /**
     * Snapshot of {@code array}; {@code superblockByRole} gives each role's current superblock,
     * or null (the whole function may return null for arrays without metadata).
     */
    public static ArrayStatus of(String device, RaidArray array, IntFunction<MdSuperblock> superblockByRole) {
        Member[] members = array.members();
        List<MemberStatus> out = new ArrayList<>(members.length);
        MdSuperblock identity = null;
        for (Member m : members) {
            MdSuperblock sb = m.device() == null ? null : superblockByRole.apply(m.role());
            if (sb != null && (identity == null || m.inSync() && sb.events() > identity.events())) {
                identity = sb;
            }
            int[] majMin = m.device() == null ? new int[2] : majorMinor(m.device().path());
            out.add(new MemberStatus(m.role(), sb == null ? (m.device() == null ? -1 : m.role()) : sb.devNumber(),
                    m.device() == null ? null : m.device().path().toString(), majMin[0], majMin[1], m.state(),
                    m.errors()));
        }
        Geometry g = array.geometry();
        return new ArrayStatus(device, g.level(), array.level().name(), g.layout(), g.chunkBytes(), array.size(),
                g.memberBytes(0), g.raidDisks(), out, array.events(),
                identity == null ? array.name() : identity.setName(),
                identity == null ? null : MdUuid.format(identity.setUuid()),
                identity == null ? null : identity.creationTime(),
                identity == null ? null : identity.updateTime(),
                array.clean(), array.running(),
                identity != null && identity.hasFeature(MdConstants.FEATURE_BITMAP_OFFSET));
    }

    /** Major and minor numbers of a block device node (0, 0 for anything else). */
    static int[] majorMinor(Path path) {
        try {
            Object rdev = Files.getAttribute(path, "unix:rdev");
            long dev = ((Number) rdev).longValue();
            if (dev != 0) {
                int major = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
                int minor = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
                return new int[] {major, minor};
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not a unix file system view, or not a real path (memory devices): no numbers
        }
        return new int[2];
    }

    public int working() {
        return (int) members.stream().filter(m -> m.state() == MemberState.IN_SYNC).count();
    }

    public int failed() {
        return (int) members.stream().filter(m -> m.state() == MemberState.FAULTY).count();
    }

    /** Devices present (members in sync or faulty, and spares), md's "Total Devices". */
    public int total() {
        return (int) members.stream().filter(m -> m.path() != null).count() + spares.size();
    }

    public boolean degraded() {
        return working() < raidDevices;
    }

    /** True when the level has no redundancy and a member is not in sync. */
    public boolean failedArray() {
        return degraded() && (level == 0 || level == -1);
    }
}
