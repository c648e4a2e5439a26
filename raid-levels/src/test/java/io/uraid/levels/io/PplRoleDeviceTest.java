package io.uraid.levels.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.BlockDevice;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.levels.ppl.PplArea;
import io.uraid.levels.ppl.PplLogScan;
import io.uraid.levels.ppl.PplLogUnit;
import io.uraid.levels.ppl.PplMemberIo;
import io.uraid.levels.ppl.PplRecovery;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The partial parity log of a raid5 role is written to the device now in that role, as md's
 * ppl_write_stripe logs to the role's child log: to a device being rebuilt for the stripes it
 * has already been rebuilt past (md's R5_Insync below recovery_offset), and to a replacement
 * once it has taken the role, in the area its own superblock names.
 */
@Timeout(60)
class PplRoleDeviceTest {
    private static final int DISKS = 4;
    private static final int CHUNK = 16 << 10;
    private static final long MEMBER = ParityArrays.DATA_OFFSET + 64L * CHUNK;
    private static final byte[] UUID = "uraid-ppl-roles!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int SIGNATURE = PplHeader.signature(UUID);
    /** The members' log: 8 sectors after the superblock at sector 8, room for several log writes. */
    private static final MdSuperblock MEMBERS_SB = superblock(8, 1016);

    /**
     * A device being rebuilt into the parity role of a stripe it has been rebuilt past gets that
     * stripe's log entry (the rebuild will not come back to it); a stripe above its recovery
     * offset is not logged (the rebuild, resumed after a crash, rewrites its parity). The entry
     * recovers a write whose parity leg never reached the device.
     */
    @Test
    void aWriteBelowTheRecoveryOffsetOfARebuildingParityMemberIsLoggedOnIt() throws Exception {
        int rebuilding = 3;
        long recovered = 32L * CHUNK;
        try (ParityArrays a = new ParityArrays("pplrb", 5, 2, DISKS, CHUNK, MEMBER, null,
                ArrayOptions.DEFAULT,
                (role, d) -> role == rebuilding ? new Member(role, d, ParityArrays.DATA_OFFSET, recovered)
                        : new Member(role, d, ParityArrays.DATA_OFFSET, MemberState.IN_SYNC),
                PplRoleDeviceTest::attachLog)) {
            Random rnd = new Random(21);
            a.write(0, (int) a.array.size(), rnd);
            long below = stripeWithParityOn(a, rebuilding, 0, recovered);
            long above = stripeWithParityOn(a, rebuilding, recovered, Long.MAX_VALUE);
            PplArea area = PplArea.of(MEMBERS_SB);
            MemoryDisk parityDisk = a.memory.disk(a.paths[rebuilding]);
            long parityRow = ParityArrays.DATA_OFFSET + a.layout.memberOffsetOfStripe(below) + 4096;
            byte[] oldParity = parityDisk.bytes(parityRow, 4096);

            long at = a.layout.arrayOffsetOf(below, 0) + 4096;
            a.write(at, 4096, rnd);

            PplLogScan.Newest newest = PplLogScan.newest(memberIo(a, rebuilding, recovered), rebuilding, area, SIGNATURE);
            assertNotNull(newest, "a log write on the device being rebuilt");
            PplHeader.Entry e = entryAt(newest.header(), at);
            assertNotNull(e, "stripe " + below + " (below the recovery offset) is logged on role " + rebuilding
                    + ": " + newest.header());
            assertEquals(rebuilding, e.parityDisk());
            assertEquals(4096, e.ppSize());

            a.write(a.layout.arrayOffsetOf(above, 0) + 4096, 4096, rnd);
            PplLogScan.Newest after = PplLogScan.newest(memberIo(a, rebuilding, recovered), rebuilding, area, SIGNATURE);
            assertEquals(newest, after, "stripe " + above + " (above the recovery offset) is not logged");

            // A crash after the data leg landed and before the parity leg did.
            parityDisk.put(parityRow, oldParity);
            assertInconsistent(a, below);
            PplRecovery.Outcome out = new PplRecovery(a.layout, memberIo(a, rebuilding, recovered), SIGNATURE, 512)
                    .run(areas(area), true);
            assertEquals(0, out.mismatches(), out.toString());
            a.assertParity();
            a.assertReadsReference("after recovery");
        }
    }

    /**
     * A replacement that takes a role ({@code replace}) keeps the role's log from then on in
     * the area its own superblock names (md's ppl_modify_log when raid5_remove_disk puts the
     * replacement in the role): a write after the takeover is logged there, at the area's
     * start, and nothing more goes to the area of the device it replaced, nor to the members'
     * log offset on it.
     */
    @Test
    void aReplacementThatTookTheRoleIsLoggedInItsOwnArea() throws Exception {
        int role = 1;
        MdSuperblock own = superblock(1100, 512); // elsewhere than the members' log, and smaller
        PplArea membersArea = PplArea.of(MEMBERS_SB);
        PplArea ownArea = PplArea.of(own);
        assertTrue(ownArea.start() >= membersArea.start() + membersArea.bytes());
        try (ParityArrays a = new ParityArrays("pplrp", 5, 2, DISKS, CHUNK, MEMBER, null,
                ArrayOptions.DEFAULT,
                (r, d) -> new Member(r, d, ParityArrays.DATA_OFFSET, MemberState.IN_SYNC),
                PplRoleDeviceTest::attachLog)) {
            Random rnd = new Random(22);
            a.write(0, (int) a.array.size(), rnd);
            long first = stripeWithParityOn(a, role, 0, Long.MAX_VALUE);
            long second = stripeWithParityOn(a, role, a.layout.memberOffsetOfStripe(first) + CHUNK, Long.MAX_VALUE);
            long firstAt = a.layout.arrayOffsetOf(first, 0) + 4096;
            a.write(firstAt, 4096, rnd);
            MemoryDisk old = a.memory.disk(a.paths[role]);
            BlockDevice oldDevice = a.array.members()[role].device();
            assertNotNull(entryAt(newest(old, membersArea).header(), firstAt), "logged on the device in the role");

            Path repPath = Path.of("/memory", "pplrp", "replacement");
            MemoryDisk rep = a.memory.createDisk(repPath, MEMBER);
            BlockDevice repDevice = a.engine.open(repPath, OpenOptions.DEFAULT);
            // The copy a replace makes (the array is idle), then the takeover.
            rep.put(ParityArrays.DATA_OFFSET, old.bytes(ParityArrays.DATA_OFFSET, (int) (MEMBER - ParityArrays.DATA_OFFSET)));
            a.array.callOnDispatcher(() -> a.array.withIo(io -> {
                io.installReplacement(role, repDevice, ParityArrays.DATA_OFFSET, own);
                io.promoteReplacement(role, own);
                return null;
            }));
            byte[] oldArea = old.bytes(membersArea.start(), membersArea.bytes());
            a.paths[role] = repPath; // the role's device, for the fixture's parity check

            long secondAt = a.layout.arrayOffsetOf(second, 1) + 8192;
            a.write(secondAt, 4096, rnd);

            PplLogScan.Newest logged = newest(rep, ownArea);
            assertEquals(0, logged.offset(), "its first log write goes to its own area's start");
            PplHeader.Entry e = entryAt(logged.header(), secondAt);
            assertNotNull(e, "the write after the takeover is logged on the replacement: " + logged.header());
            assertEquals(role, e.parityDisk());
            assertArrayEquals(oldArea, old.bytes(membersArea.start(), membersArea.bytes()),
                    "nothing more is logged on the replaced device");
            assertArrayEquals(new byte[membersArea.bytes()], rep.bytes(membersArea.start(), membersArea.bytes()),
                    "nothing is logged at the members' log offset on the replacement");
            assertEquals(MemberState.IN_SYNC, a.array.members()[role].state());
            a.assertParity();
            a.assertReadsReference("after the takeover");
            oldDevice.close(); // no longer among the array's members, which the fixture closes
        }
    }

    /**
     * A rebuild resumed at assembly does not clear the log area of its device again: md clears
     * it when the array starts (ppl_load) and when a device joins (ppl_modify_log), not when a
     * recovery resumes, and since the start the area may hold log writes of stripes below the
     * resume point, which the writer logs there and the rebuild will not come back to.
     */
    @Test
    void aResumedRebuildLeavesTheLogOnItsDeviceAlone() throws Exception {
        int rebuilding = 3;
        long recovered = 32L * CHUNK;
        PplArea area = PplArea.of(MEMBERS_SB);
        Redundancy[] redundancy = new Redundancy[1];
        byte[] log = new byte[area.bytes()];
        try (ParityArrays a = new ParityArrays("pplrs", 5, 2, DISKS, CHUNK, MEMBER, null, ArrayOptions.DEFAULT,
                (role, d) -> role == rebuilding ? new Member(role, d, ParityArrays.DATA_OFFSET, recovered)
                        : new Member(role, d, ParityArrays.DATA_OFFSET, MemberState.IN_SYNC),
                f -> {
                    attachLog(f);
                    // What the area holds when the pass begins: a log write of a stripe below the resume point.
                    long s = stripeWithParityOn(f, rebuilding, 0, recovered);
                    try (PplLogUnit unit = new PplLogUnit(SIGNATURE, CHUNK, 512, area.partialParitySpace());
                         NativeBuffer pp = NativeBuffer.allocate(4096)) {
                        unit.reset(5);
                        unit.addRows(f.layout.memberOffsetOfStripe(s), f.layout.arrayOffsetOf(s, 0), 1, rebuilding,
                                pp.address(), 4096);
                        unit.view().get(0, log, 0, unit.seal());
                    }
                    f.memory.disk(f.paths[rebuilding]).put(area.start(), log);
                    MdSuperblock[] sbs = new MdSuperblock[DISKS];
                    Arrays.fill(sbs, MEMBERS_SB);
                    try {
                        redundancy[0] = Redundancy.attach(f.array, f.engine, sbs, RedundancyOptions.DEFAULT);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    redundancy[0].resumeRebuildBeforeStart(rebuilding, MEMBERS_SB, recovered);
                })) {
            assertTrue(redundancy[0].awaitSyncIdle(30_000), "the rebuild ends");
            assertEquals(MemberState.IN_SYNC, a.array.members()[rebuilding].state());
            assertEquals(MEMBER - ParityArrays.DATA_OFFSET - recovered, redundancy[0].sync().copiedBytes(),
                    "the rebuild resumed at the offset and copied the rest");
            assertArrayEquals(log, a.memory.disk(a.paths[rebuilding]).bytes(area.start(), area.bytes()),
                    "the resumed rebuild left the log on its device alone");
            a.assertParity();
        } finally {
            if (redundancy[0] != null) {
                redundancy[0].free();
            }
        }
    }

    /** Each role's log where {@link #MEMBERS_SB} puts it, in front of the array's writes. */
    private static void attachLog(ParityArrays a) {
        ParityIo io = (ParityIo) a.array.levelIo();
        io.log(new PplStripeLog(io.layout(), areas(PplArea.of(MEMBERS_SB)), SIGNATURE, 512));
    }

    private static PplArea[] areas(PplArea area) {
        PplArea[] areas = new PplArea[DISKS];
        Arrays.fill(areas, area);
        return areas;
    }

    /** A member's superblock with its log {@code offset} sectors after the superblock (sector 8). */
    private static MdSuperblock superblock(int offset, int sectors) {
        return MdSuperblock.builder().featureMap(MdConstants.FEATURE_PPL).setUuid(UUID).level(5).layout(2)
                .raidDisks(DISKS).chunkSize(CHUNK / 512).superOffset(8).ppl(offset, sectors)
                .dataOffset(ParityArrays.DATA_OFFSET / 512).dataSize((MEMBER - ParityArrays.DATA_OFFSET) / 512)
                .build();
    }

    /** The first stripe whose parity {@code role} holds, its rows on the members within {@code [from, to)}. */
    private static long stripeWithParityOn(ParityArrays a, int role, long from, long to) {
        for (long s = 0; s < a.layout.stripes(); s++) {
            long start = a.layout.memberOffsetOfStripe(s);
            if (a.layout.pRole(s) == role && start >= from && start + CHUNK <= to) {
                return s;
            }
        }
        throw new AssertionError("no stripe with parity on role " + role + " in [" + from + ", " + to + ")");
    }

    /** The entry describing the write at array offset {@code at}, or null. */
    private static PplHeader.Entry entryAt(PplHeader h, long at) {
        for (PplHeader.Entry e : h.entries()) {
            if (e.dataSector() * 512 == at) {
                return e;
            }
        }
        return null;
    }

    private static void assertInconsistent(ParityArrays a, long stripe) {
        try {
            a.assertParity();
        } catch (AssertionError expected) {
            assertTrue(expected.getMessage().startsWith("stripe " + stripe + ":"), expected.getMessage());
            return;
        }
        throw new AssertionError("the torn write left stripe " + stripe + " consistent: the test shows nothing");
    }

    private static PplLogScan.Newest newest(MemoryDisk disk, PplArea area) throws Exception {
        PplLogScan.Newest n = PplLogScan.newest(new DiskIo(new MemoryDisk[] {disk}, 0, Long.MAX_VALUE), 0, area,
                SIGNATURE);
        assertNotNull(n, "a valid log header");
        return n;
    }

    private static PplMemberIo memberIo(ParityArrays a, int rebuilding, long recovered) {
        MemoryDisk[] disks = new MemoryDisk[DISKS];
        for (int r = 0; r < DISKS; r++) {
            disks[r] = a.memory.disk(a.paths[r]);
        }
        return new DiskIo(disks, rebuilding, recovered);
    }

    /** The members as assembly sees them, straight on the memory disks (the array is idle). */
    private record DiskIo(MemoryDisk[] disks, int rebuilding, long rebuilt) implements PplMemberIo {
        @Override
        public boolean inSync(int role) {
            return role != rebuilding;
        }

        @Override
        public boolean present(int role) {
            return true;
        }

        @Override
        public long recovered(int role) {
            return role == rebuilding ? rebuilt : Long.MAX_VALUE;
        }

        @Override
        public long dataOffset(int role) {
            return ParityArrays.DATA_OFFSET;
        }

        @Override
        public void read(int role, long offset, long address, int length) {
            assertEquals(length, disks[role].read(offset, address, length));
        }

        @Override
        public void write(int role, long offset, long address, int length, boolean durable) {
            disks[role].write(offset, address, length, durable);
        }

        @Override
        public void flush(int role) {
            disks[role].flush();
        }
    }
}
