package io.uraid.core.report;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.bitmap.WriteIntentBitmap;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.Geometry;
import io.uraid.core.sync.SyncStatus;
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
 * @param members      the raid device slots in role order, then the faulty devices that left
 *                     their role and are not removed yet (role -1: md's RaidDevice "-")
 * @param setName      "homehost:name" from the superblock, or the array's name without metadata
 * @param uuid         array UUID as mdadm prints it, or null
 * @param created      creation time, or null
 * @param updated      last superblock update, or null
 * @param clean        the superblocks say clean (no write in flight)
 * @param running      the dispatcher runs
 * @param bitmap       the members carry an internal write-intent bitmap
 * @param spares       hot spares waiting for a role
 * @param replacements devices being copied in to replace a member ({@code role} is the role they
 *                     will take), md's {@code (R)}
 * @param bitmapPages  the bitmap as /proc/mdstat counts it, or null (none, or not known)
 * @param sync         the running or last sync pass, or null (no redundancy, or not known)
 * @param stripeCacheSize stripes whose partial writes the parity levels gather within a turn
 *                     (md's stripe_cache_size); 0 for other levels, or when off or not known
 */
public record ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                          long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                          long events, String setName, String uuid, Instant created, Instant updated,
                          boolean clean, boolean running, boolean bitmap, List<SpareStatus> spares,
                          List<MemberStatus> replacements, BitmapPages bitmapPages, SyncStatus sync,
                          int stripeCacheSize) {

    public ArrayStatus {
        members = List.copyOf(members);
        spares = List.copyOf(spares);
        replacements = List.copyOf(replacements);
    }

    /**
     * The in-memory bitmap as md's status line counts it: one page of counters per 2048 chunks
     * ({@code pages}), of which {@code pagesInUse} hold a chunk that is dirty or being written.
     */
    public record BitmapPages(long pages, long pagesInUse, int chunkBytes) {
        /** Chunks one page of md's bitmap counters covers (a 4 KiB page of 16-bit counters). */
        public static final int CHUNKS_PER_PAGE = 2048;
    }

    /** Without a stripe cache. */
    public ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                       long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                       long events, String setName, String uuid, Instant created, Instant updated,
                       boolean clean, boolean running, boolean bitmap, List<SpareStatus> spares,
                       List<MemberStatus> replacements, BitmapPages bitmapPages, SyncStatus sync) {
        this(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices, members, events,
                setName, uuid, created, updated, clean, running, bitmap, spares, replacements, bitmapPages, sync, 0);
    }

    /** An array without hot spares, replacements, bitmap counts or sync status. */
    public ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                       long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                       long events, String setName, String uuid, Instant created, Instant updated,
                       boolean clean, boolean running, boolean bitmap, List<SpareStatus> spares) {
        this(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices, members, events,
                setName, uuid, created, updated, clean, running, bitmap, spares, List.of(), null, null);
    }

    /** An array without hot spares. */
    public ArrayStatus(String device, int level, String levelName, int layout, int chunkBytes,
                       long arrayBytes, long memberBytes, int raidDevices, List<MemberStatus> members,
                       long events, String setName, String uuid, Instant created, Instant updated,
                       boolean clean, boolean running, boolean bitmap) {
        this(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices, members, events,
                setName, uuid, created, updated, clean, running, bitmap, List.of());
    }

    /**
     * Snapshot of an assembled array with its superblocks, its waiting hot spares, the devices
     * replacing members, its bitmap's page counts and its sync progress.
     */
    public static ArrayStatus of(String device, OpenArray open) {
        ArrayStatus s = of(device, open.array(), open::superblock);
        List<SpareStatus> spares = new ArrayList<>();
        for (var w : open.redundancy().waitingSpares()) {
            int[] majMin = majorMinor(w.device().path());
            spares.add(new SpareStatus(w.superblock().devNumber(), w.device().path().toString(), majMin[0],
                    majMin[1]));
        }
        RaidArray array = open.array();
        WriteIntentBitmap bitmap = open.redundancy().bitmap();
        List<MemberStatus> replacements = new ArrayList<>();
        BitmapPages pages = null;
        if (array.running() && (bitmap != null || open.redundancy().sync() != null)) {
            // Replacement slots and bitmap bits belong to the dispatcher: read them there.
            Live live = array.callOnDispatcher(() -> array.withIo(io -> {
                Member[] reps = new Member[io.raidDisks()];
                for (int r = 0; r < reps.length; r++) {
                    Member m = io.slot(r + io.raidDisks());
                    reps[r] = m == io.member(r) ? null : m;
                }
                return new Live(reps, bitmap == null ? null : pages(bitmap));
            }));
            pages = live.pages();
            for (int r = 0; r < live.replacements().length; r++) {
                Member m = live.replacements()[r];
                MdSuperblock sb = open.replacementSuperblock(r);
                if (m != null && m.device() != null) {
                    int[] majMin = majorMinor(m.device().path());
                    replacements.add(new MemberStatus(r, sb == null ? -1 : sb.devNumber(),
                            m.device().path().toString(), majMin[0], majMin[1], m.state(), m.errors(),
                            m.writeMostly(), m.failfast()));
                }
            }
        }
        return new ArrayStatus(s.device, s.level, s.levelName, s.layout, s.chunkBytes, s.arrayBytes, s.memberBytes,
                s.raidDevices, s.members, s.events, s.setName, s.uuid, s.created, s.updated, s.clean, s.running,
                s.bitmap, spares, replacements, pages,
                open.redundancy().sync() == null ? null : open.redundancy().syncStatus(), array.stripeCacheSize());
    }

    private record Live(Member[] replacements, BitmapPages pages) {
    }

    /** Pages of 2048 chunks, and those holding a dirty chunk (on the dispatcher thread). */
    private static BitmapPages pages(WriteIntentBitmap bitmap) {
        long chunks = bitmap.bitCount();
        long pages = (chunks + BitmapPages.CHUNKS_PER_PAGE - 1) / BitmapPages.CHUNKS_PER_PAGE;
        long inUse = 0;
        for (long p = 0; p < pages; p++) {
            long end = Math.min(chunks, (p + 1) * BitmapPages.CHUNKS_PER_PAGE);
            for (long c = p * BitmapPages.CHUNKS_PER_PAGE; c < end; c++) {
                if (bitmap.isDirty(c)) {
                    inUse++;
                    break;
                }
            }
        }
        return new BitmapPages(pages, inUse, bitmap.chunkBytes());
    }

    /** This snapshot with {@code spares} as its waiting hot spares. */
    public ArrayStatus withSpares(List<SpareStatus> spares) {
        return new ArrayStatus(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices,
                members, events, setName, uuid, created, updated, clean, running, bitmap, spares, replacements,
                bitmapPages, sync);
    }

    /** This snapshot with {@code pages} as its bitmap's page counts and {@code sync} as its sync progress. */
    public ArrayStatus withActivity(BitmapPages pages, SyncStatus sync) {
        return new ArrayStatus(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices,
                members, events, setName, uuid, created, updated, clean, running, bitmap, spares, replacements,
                pages, sync);
    }

    /** This snapshot with {@code replacements} as the devices replacing members. */
    public ArrayStatus withReplacements(List<MemberStatus> replacements) {
        return new ArrayStatus(device, level, levelName, layout, chunkBytes, arrayBytes, memberBytes, raidDevices,
                members, events, setName, uuid, created, updated, clean, running, bitmap, spares, replacements,
                bitmapPages, sync);
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
                    m.errors(), m.writeMostly(), m.failfast())); // the live flags (set at runtime too)
        }
        for (io.uraid.core.array.Displaced d : array.displaced()) {
            Member m = d.member();
            int[] majMin = majorMinor(m.device().path());
            out.add(new MemberStatus(-1, d.number(), m.device().path().toString(), majMin[0], majMin[1],
                    MemberState.FAULTY, m.errors()));
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
