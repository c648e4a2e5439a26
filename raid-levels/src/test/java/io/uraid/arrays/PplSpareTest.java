package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.levels.ParityArrayLayout;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.ppl.PplArea;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A raid5 with the partial parity log started without one member: a spare that takes the role
 * keeps that role's log from then on, as md's ppl_modify_log starts a log for a device added
 * to a role: writes to stripes whose parity it holds put their entries in its own area.
 */
@Timeout(180)
class PplSpareTest {
    private static final long MEMBER = 20L * MIB;

    @Test
    void aSpareTakingARoleMissingAtAssemblyKeepsThatRolesLog() throws Exception {
        int gone = 3;
        try (Members files = new Members("ppls", 4, MEMBER); Members spares = new Members("pplsp", 1, MEMBER)) {
            CreateSpec spec = new CreateSpec("ppl", "testhost", LevelRegistry.byName("raid5"), 4, 64 << 10, -1,
                    files.paths, false, true, CreateSpec.BitmapMode.PPL, 0);
            try (IoEngine eng = ArrayEndToEndTest.engine()) {
                ArrayCreator.create(spec, eng);
            }
            try (OpenArray open = Redundant.assemble(files.paths.subList(0, gone), 60_000)) {
                RaidArray array = open.array();
                assertEquals(3, array.workingCount());
                try (IoEngine prep = ArrayEndToEndTest.engine()) {
                    open.addSpare(spares.get(0), prep, false);
                }
                assertTrue(open.redundancy().awaitSyncIdle(120_000));
                assertEquals(MemberState.IN_SYNC, open.member(gone).state(), "the spare was rebuilt into the role");
                ParityLayout layout = ((ParityArrayLayout) array.layout()).parity();
                int written = 0;
                for (long s = 0; s < 64 && written < 8; s++) {
                    if (layout.pRole(s) == gone) {
                        Redundant.write(array, s * layout.stripeBytes() + 4096, Redundant.pattern(s, 4096, 7));
                        written++; // a partial stripe whose parity the spare holds: logged to it
                    }
                }
                BlockingIo.flush(array);
                MdSuperblock sb = open.superblock(gone);
                PplArea area = PplArea.of(sb);
                PplHeader newest = newestHeader(spares.get(0), area);
                assertEquals(PplHeader.signature(sb.setUuid()), newest.signature(), "a log write of this array");
                assertTrue(!newest.entries().isEmpty() && newest.generation() > 0,
                        "the spare's area holds the entries of the stripes it is parity of: " + newest);
                for (PplHeader.Entry e : newest.entries()) {
                    assertEquals(gone, e.parityDisk());
                }
            }
        }
    }

    /** The header of the newest log write in {@code area} of {@code file} (md's scan: while generations grow). */
    private static PplHeader newestHeader(Path file, PplArea area) throws Exception {
        PplHeader newest = null;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long at = 0;
            while (at + PplHeader.BYTES <= area.bytes()) {
                byte[] b = new byte[PplHeader.BYTES];
                f.seek(area.start() + at);
                f.readFully(b);
                if (!PplHeader.checksumValid(ByteBuffer.wrap(b))) {
                    break;
                }
                PplHeader h = PplHeader.decode(ByteBuffer.wrap(b));
                if (newest != null && h.generation() < newest.generation()) {
                    break;
                }
                newest = h;
                at += PplHeader.BYTES + h.partialParityBytes();
            }
        }
        if (newest == null) {
            throw new AssertionError("no log header in the spare's area at " + area.start());
        }
        return newest;
    }
}
