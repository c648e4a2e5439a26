package io.uraid.arrays;

import static io.uraid.arrays.ArrayEndToEndTest.verifyThroughArray;
import static io.uraid.arrays.ArrayEndToEndTest.writeRandomly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A member of a mirrored array fails (every operation on it returns EIO) while several threads
 * write: every acknowledged write must read back intact, the member must be marked faulty, and
 * the surviving superblocks must record it (events bumped, role faulty), as mdadm also sees.
 */
class MirrorFaultTest {
    private static final long MEMBER_BYTES = 16L << 20;

    @Timeout(120)
    @ParameterizedTest(name = "{0}: {1} x{2} layout {3}, member {4} fails")
    @CsvSource({"memory,raid1,2,-1,1", "memory,raid1,3,-1,0", "memory,raid10,4,258,1", "memory,raid10,3,258,2",
        "memory,raid10,4,513,3", "memory,raid10,4,66049,0", "files,raid1,2,-1,0", "files,raid10,4,258,1",
        "loop,raid1,2,-1,1", "loop,raid10,4,258,2"})
    void acknowledgedWritesSurviveAMemberFailingMidWrite(String backend, String levelName, int disks, int layout,
                                                         int victim) throws Exception {
        try (Backend members = Backend.of(backend, levelName, disks, MEMBER_BYTES)) {
            var level = LevelRegistry.byName(levelName);
            try (IoEngine e = members.engine()) {
                ArrayCreator.create(new CreateSpec("faults", "testhost", level, disks, 64 * 1024, layout,
                        members.paths, false, true), e);
            }
            long createdEvents = members.superblock(0).events();
            byte[] reference;
            FaultyEngine engine = new FaultyEngine(members.engine(), 1024);
            try (OpenArray open = Assembler.assemble(members.paths, AssembleOptions.DEFAULT, engine)) {
                RaidArray array = open.array();
                reference = new byte[(int) array.size()];
                AtomicInteger acked = new AtomicInteger();
                // The victim fails every operation after its first 25: in the middle of the writes,
                // with legs of other requests in flight on every member.
                FaultRule rule = engine.add(FaultRule.on(members.paths.get(victim)).afterOps(25));
                writeRandomly(array, reference, 4, 60, 99, acked); // throws if a write was not acknowledged
                assertEquals(240, acked.get(), "every write was acknowledged");
                assertTrue(rule.injected() > 0, "the fault hit some I/O");
                assertEquals(MemberState.FAULTY, open.member(victim).state());
                assertTrue(array.degraded());
                assertTrue(array.events() > createdEvents, "events bumped");
                verifyThroughArray(array, reference);
                String detail = DetailFormatter.format(ArrayStatus.of("/dev/md/faults", open), "testhost");
                assertTrue(detail.contains("State : active, degraded "), detail);
                assertTrue(detail.contains("faulty   " + members.paths.get(victim)), detail);
            }
            checkSurvivorsRecordTheFailure(members, disks, victim, createdEvents);
            if (!backend.equals("memory")) {
                Mdadm.require();
                checkMdadmSeesTheFailure(members, disks, victim);
            }
            List<java.nio.file.Path> shuffled = new ArrayList<>(members.paths);
            Collections.shuffle(shuffled, new Random(3));
            try (OpenArray again = Assembler.assemble(shuffled, AssembleOptions.DEFAULT.withRun(true),
                    members.engine())) {
                assertEquals(MemberState.MISSING, again.member(victim).state(), "the stale member stays out");
                verifyThroughArray(again.array(), reference);
            }
        }
    }

    static void checkSurvivorsRecordTheFailure(Backend members, int disks, int victim, long createdEvents)
            throws Exception {
        long survivorsEvents = -1;
        for (int i = 0; i < disks; i++) {
            if (i == victim) {
                continue;
            }
            MdSuperblock sb = members.superblock(i);
            assertTrue(sb.checksumValid());
            assertEquals(MdConstants.ROLE_FAULTY, sb.devRole(victim), "member " + i + " records the failure");
            assertTrue(sb.events() > createdEvents);
            if (survivorsEvents < 0) {
                survivorsEvents = sb.events();
            }
            assertEquals(survivorsEvents, sb.events(), "survivors agree on events");
        }
        MdSuperblock stale = members.superblock(victim);
        assertTrue(stale.events() < survivorsEvents, "the failed member's superblock is older: "
                + stale.events() + " vs " + survivorsEvents);
    }

    private static void checkMdadmSeesTheFailure(Backend members, int disks, int victim) throws Exception {
        StringBuilder state = new StringBuilder();
        for (int i = 0; i < disks; i++) {
            state.append(i == victim ? '.' : 'A');
        }
        String events = null;
        for (int i = 0; i < disks; i++) {
            if (i == victim) {
                continue;
            }
            Map<String, String> f = Mdadm.examine(members.paths.get(i));
            assertTrue(f.get("Checksum").endsWith("correct"), f.get("_raw"));
            assertEquals(state + " ('A' == active, '.' == missing, 'R' == replacing)", f.get("Array State"),
                    f.get("_raw"));
            assertEquals("Active device " + i, f.get("Device Role"), f.get("_raw"));
            if (events == null) {
                events = f.get("Events");
            }
            assertEquals(events, f.get("Events"), f.get("_raw"));
            assertEquals(String.valueOf(members.superblock(i).events()), f.get("Events"));
        }
        Map<String, String> stale = Mdadm.examine(members.paths.get(victim));
        assertTrue(stale.get("Checksum").endsWith("correct"), stale.get("_raw"));
        assertTrue(Long.parseLong(stale.get("Events")) < Long.parseLong(events),
                "mdadm sees the failed member as stale: " + stale.get("_raw"));
    }
}
