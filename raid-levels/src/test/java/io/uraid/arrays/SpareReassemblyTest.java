package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.report.MdstatFormatter;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.spi.Layout;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngine;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hot spares survive a stop: assembly takes them back as spares, and they still take a failed role. */
@Timeout(120)
class SpareReassemblyTest {
    private static final long MEMBER = 20L * MIB;

    @Test
    void spareIsTakenBackAtAssemblyAndRebuiltWhenAMemberFails() throws Exception {
        try (Members files = new Members("sra", 2, MEMBER); Members spare = new Members("sra-spare", 1, MEMBER + MIB)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            byte[] reference;
            Layout layout;
            long dataOffset;
            try (OpenArray open = Assembler.assemble(files.paths, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine())) {
                layout = open.array().layout();
                dataOffset = open.member(0).dataOffset();
                reference = new byte[(int) open.array().size()];
                ArrayEndToEndTest.writeRandomly(open.array(), reference, 2, 30, 21);
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    open.addSpare(spare.get(0), prep, false);
                }
                assertEquals(1, open.redundancy().spareCount());
            }
            Mdadm.require();
            Map<String, String> sp = Mdadm.examine(spare.get(0));
            assertEquals("spare", sp.get("Device Role"), sp.get("_raw"));
            Map<String, String> m0 = Mdadm.examine(files.get(0));
            Map<String, String> m1 = Mdadm.examine(files.get(1));
            assertEquals(m0.get("Array UUID"), sp.get("Array UUID"));
            assertTrue(m0.get("Array State").startsWith("AA "), m0.get("_raw"));
            assertEquals(m0.get("Array State"), m1.get("Array State"));
            assertEquals(m0.get("Events"), m1.get("Events"), "the survivors agree");
            assertEquals(m0.get("Events"), sp.get("Events"), "the spare's superblock was refreshed on stop");
            assertEquals(m0.get("Array State"), sp.get("Array State"));
            assertEquals("clean", sp.get("State"), sp.get("_raw"));

            // Stop done; reassemble from all three, the spare in the middle and the members reversed.
            List<Path> shuffled = List.of(files.get(1), spare.get(0), files.get(0));
            try (OpenArray open = Assembler.assemble(shuffled, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine())) {
                Redundancy red = open.redundancy();
                assertEquals(1, red.spareCount(), "the spare is back as a hot spare");
                assertEquals(2, open.array().workingCount());
                assertFalse(open.array().degraded());
                ArrayStatus status = ArrayStatus.of("/dev/md/red", open);
                String detail = DetailFormatter.format(status, "testhost");
                assertTrue(detail.contains("     Spare Devices : 1\n"), detail);
                assertTrue(detail.contains("     Total Devices : 3\n"), detail);
                assertTrue(detail.contains("   Working Devices : 3\n"), detail);
                assertTrue(detail.matches("(?s).*\\n\\s+\\d+\\s+0\\s+0\\s+-\\s+spare   " + spare.get(0) + "\\n.*"), detail);
                assertTrue(DetailFormatter.json(status).contains("\"spare_devices\":1"), DetailFormatter.json(status));
                assertTrue(MdstatFormatter.format(List.of(status)).contains(spare.get(0).getFileName() + "["),
                        MdstatFormatter.format(List.of(status)));
                assertTrue(MdstatFormatter.format(List.of(status)).contains("](S)"));

                assertTrue(open.array().fail(0));
                long until = System.nanoTime() + 10_000_000_000L;
                while (red.syncStatus().lastAction() != SyncAction.RECOVER && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertTrue(red.awaitSyncIdle(60_000));
                assertEquals(SyncAction.RECOVER, red.syncStatus().lastAction(), "a member failure starts a rebuild");
                assertTrue(red.syncStatus().lastCompleted());
                assertEquals(0, red.spareCount());
                assertEquals(spare.get(0), open.member(0).device().path(), "the spare took role 0");
                assertEquals(MemberState.IN_SYNC, open.member(0).state());
                ArrayEndToEndTest.verifyThroughArray(open.array(), reference);
            }
            assertEquals(0, Redundant.differingBytes(List.of(spare.get(0), files.get(1)), layout, dataOffset),
                    "the rebuilt spare matches the surviving copy byte for byte");
            Mdadm.require();
            assertEquals("Active device 0", Mdadm.examine(spare.get(0)).get("Device Role"));
            try (OpenArray again = Assembler.assemble(List.of(spare.get(0), files.get(1)), AssembleOptions.DEFAULT,
                    ArrayEndToEndTest.engine())) {
                assertEquals(2, again.array().workingCount());
                assertEquals(0, again.redundancy().spareCount());
                ArrayEndToEndTest.verifyThroughArray(again.array(), reference);
            }
        }
    }

    @Test
    void aSpareWhoseSuperblockLagsBehindIsStillTakenBack() throws Exception {
        try (Members files = new Members("src", 2, MEMBER); Members spare = new Members("src-spare", 1, MEMBER)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            try (OpenArray open = Assembler.assemble(files.paths, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine());
                 IoEngine prep = ArrayEndToEndTest.engine()) {
                open.addSpare(spare.get(0), prep, false);
            }
            // A stop cut short before the spare's superblock was refreshed: its events lag.
            try (RandomAccessFile f = new RandomAccessFile(spare.get(0).toFile(), "rw")) {
                byte[] block = new byte[4096];
                f.seek(4096);
                f.readFully(block);
                MdSuperblock sb = MdSuperblock.decode(ByteBuffer.wrap(block));
                assertTrue(sb.events() > 1);
                f.seek(4096);
                f.write(sb.toBuilder().events(1).build().encode());
            }
            try (OpenArray open = Assembler.assemble(List.of(spare.get(0), files.get(0), files.get(1)),
                    AssembleOptions.DEFAULT, ArrayEndToEndTest.engine())) {
                assertEquals(1, open.redundancy().spareCount());
                assertEquals(2, open.array().workingCount());
            }
        }
    }

    @Test
    void theActivesAloneStillAssembleAndAForeignSpareIsRefused() throws Exception {
        try (Members files = new Members("srb", 2, MEMBER); Members other = new Members("srb-other", 3, MEMBER + MIB)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            CreateSpec foreign = new CreateSpec("other", "testhost", LevelRegistry.byName("raid1"), 2, 0, -1,
                    other.paths.subList(0, 2), false, false, BitmapMode.INTERNAL, MIB);
            try (IoEngine eng = ArrayEndToEndTest.engine()) {
                ArrayCreator.create(foreign, eng);
            }
            byte[] reference;
            try (OpenArray open = Assembler.assemble(files.paths, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine());
                 OpenArray otherOpen = Assembler.assemble(other.paths.subList(0, 2), AssembleOptions.DEFAULT,
                         ArrayEndToEndTest.engine())) {
                reference = new byte[(int) open.array().size()];
                ArrayEndToEndTest.writeRandomly(open.array(), reference, 2, 20, 22);
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    otherOpen.addSpare(other.get(2), prep, false);
                }
            }
            try (OpenArray open = Assembler.assemble(files.paths, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine())) {
                assertEquals(2, open.array().workingCount(), "the two actives assemble without --run");
                assertEquals(0, open.redundancy().spareCount());
                assertFalse(open.array().degraded());
                ArrayEndToEndTest.verifyThroughArray(open.array(), reference);
            }
            List<Path> withForeign = List.of(files.get(0), other.get(2), files.get(1));
            IOException e = assertThrows(IOException.class,
                    () -> Assembler.assemble(withForeign, AssembleOptions.DEFAULT, ArrayEndToEndTest.engine()).close());
            assertTrue(e.getMessage().contains("different arrays") && e.getMessage().contains(other.get(2).toString()),
                    e.getMessage());
        }
    }
}
