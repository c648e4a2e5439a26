package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.report.MdstatFormatter;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.BlockDevice;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.MemoryEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that leaves its role (replaced, or its role taken by a hot spare) stays in the array
 * as md keeps it: listed faulty, {@code (F)} in mdstat and a "faulty" row without a raid device
 * in the detail (what the kernel shows after {@code mdadm --replace} and after a spare takes a
 * failed member's role), held open until {@code remove} releases it; and its own superblock
 * stops claiming the role it left.
 */
@Timeout(120)
class DisplacedMemberTest {

    @Test
    void replacedMemberIsListedFaultyUntilRemovedAndNoLongerClaimsItsRole() throws Exception {
        MemoryMembers mm = new MemoryMembers("dsp-r", 3, 20L * MIB);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assembleFirst(2, AssembleOptions.DEFAULT)) {
            byte[] data = Redundant.pattern(0, 512 * 1024, 3);
            Redundant.write(open.array(), 0, data);
            try (MemoryEngine prep = new MemoryEngine(64)) {
                prep.attach(mm.paths.get(2), mm.disks[2]);
                assertTrue(open.replace(1, mm.paths.get(2), prep, false));
            }
            awaitPass(open.redundancy());
            assertEquals(mm.paths.get(2), open.member(1).device().path(), "the replacement holds role 1");

            assertListedFaultyAndReleasedByRemove(mm, open, 1);
            assertEquals(2, open.array().workingCount());
            assertEquals(data.length, Redundant.read(open.array(), 0, data.length).length);
        }
    }

    @Test
    void memberWhoseRoleASpareTookIsListedFaultyUntilRemoved() throws Exception {
        MemoryMembers mm = new MemoryMembers("dsp-s", 3, 20L * MIB);
        mm.create("raid1", 2, BitmapMode.INTERNAL, MIB);
        try (OpenArray open = mm.assembleFirst(2, AssembleOptions.DEFAULT)) {
            Redundant.write(open.array(), 0, Redundant.pattern(0, 256 * 1024, 4));
            try (MemoryEngine prep = new MemoryEngine(64)) {
                prep.attach(mm.paths.get(2), mm.disks[2]);
                open.addSpare(mm.paths.get(2), prep, false);
            }
            assertTrue(open.array().fail(1));
            awaitPass(open.redundancy());
            assertEquals(mm.paths.get(2), open.member(1).device().path(), "the spare took role 1");
            assertEquals(MemberState.IN_SYNC, open.member(1).state());

            assertListedFaultyAndReleasedByRemove(mm, open, 1);
        }
    }

    private static void assertListedFaultyAndReleasedByRemove(MemoryMembers mm, OpenArray open, int oldRole)
            throws Exception {
        Path old = mm.paths.get(oldRole);
        ArrayStatus status = ArrayStatus.of("/dev/md/dsp", open);
        String mdstat = MdstatFormatter.format(List.of(status));
        assertTrue(mdstat.contains(" m" + oldRole + "[" + oldRole + "](F)"), mdstat);
        assertTrue(mdstat.contains("[2/2] [UU]"), "a faulty device without a role takes no slot: " + mdstat);
        String detail = DetailFormatter.format(status, "testhost");
        assertTrue(detail.matches("(?s).*\\n\\s+" + oldRole + "\\s+0\\s+0\\s+-\\s+faulty\\s+"
                + java.util.regex.Pattern.quote(old.toString()) + "\\n.*"), detail);
        assertTrue(detail.contains("    Failed Devices : 1\n"), detail);
        assertTrue(detail.contains("     Total Devices : 3\n"), detail);

        long until = System.nanoTime() + 10_000_000_000L; // the superblock update follows the promotion
        while (superblock(mm, oldRole).devRole(superblock(mm, oldRole).devNumber()) != MdConstants.ROLE_FAULTY
                && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        MdSuperblock own = superblock(mm, oldRole);
        MdSuperblock current = superblock(mm, 0);
        assertEquals(MdConstants.ROLE_FAULTY, own.devRole(own.devNumber()),
                "its own superblock no longer says it holds role " + oldRole);
        assertTrue(own.events() <= current.events(), "written by an update of the array");
        assertEquals(MdConstants.ROLE_FAULTY, current.devRole(own.devNumber()), "the members' tables say faulty");
        assertEquals(oldRole, current.devRole(superblock(mm, 2).devNumber()), "the new device holds the role");

        assertThrows(IOException.class, () -> mm.faults.open(old, OpenOptions.DEFAULT),
                "held open (claimed) by the array until removed");
        assertTrue(open.removeDisplaced(old));
        assertFalse(open.removeDisplaced(old), "removed once");
        String after = MdstatFormatter.format(List.of(ArrayStatus.of("/dev/md/dsp", open)));
        assertFalse(after.contains("(F)"), after);
        assertEquals(0, open.array().displaced().size());
        try (BlockDevice d = mm.faults.open(old, OpenOptions.DEFAULT)) {
            assertNotEquals(null, d, "released: it can be claimed again");
        }
        for (Member m : open.array().members()) {
            assertNotEquals(old, m.device().path());
        }
    }

    private static void awaitPass(Redundancy red) throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (red.syncStatus().lastAction() != SyncAction.RECOVER && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(red.awaitSyncIdle(30_000));
        assertTrue(red.syncStatus().lastCompleted(), "the copy completed");
    }

    /** The superblock on member disk {@code i} as it is now (written with FUA: durable). */
    private static MdSuperblock superblock(MemoryMembers mm, int i) {
        byte[] b = mm.disks[i].durableBytes(4096, MdConstants.SUPERBLOCK_BYTES);
        return MdSuperblock.decode(ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN));
    }
}
