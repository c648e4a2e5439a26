package io.uraid.core.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.SuperblockLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The superblocks {@link GrowPlan} writes, decided from superblocks alone: md's rules, one refusal line each. */
class GrowPlanTest {
    private static final long DEV = 64L << 11; // 64 MiB in sectors
    private static final byte[] UUID = new byte[16];

    /** The superblocks of a raid1 whose slots hold {@code roles} (dev_number = index), as create writes them. */
    private static List<MdSuperblock> raid1(int raidDisks, int level, int... roles) {
        SuperblockLayout sl = SuperblockLayout.forCreate(level, SuperblockLayout.defaultLayout(level), raidDisks, 0,
                SuperblockLayout.Bitmap.NONE, true, DEV);
        List<MdSuperblock> out = new ArrayList<>();
        for (int i = 0; i < roles.length; i++) {
            MdSuperblock.Builder b = sl.applyTo(MdSuperblock.builder(), DEV, 0).setUuid(UUID).setName("h", "data")
                    .level(level).raidDisks(raidDisks).devNumber(i).events(7).resyncOffset(MdConstants.RESYNC_DONE)
                    .maxDev(384);
            for (int s = 0; s < roles.length; s++) {
                b.devRole(s, roles[s]);
            }
            out.add(b.build());
        }
        return out;
    }

    private static long[] sizes(int n, long sectors) {
        long[] s = new long[n];
        java.util.Arrays.fill(s, sectors);
        return s;
    }

    @Test
    void rolesMoveDownOverVacantSlotsAsTheKernelsRaid1ReshapeDoes() {
        // slot 0 holds role 2, slot 1 role 0, slot 2 a spare; role 1 vacant (removed)
        List<MdSuperblock> sbs = raid1(3, 1, 2, 0, MdConstants.ROLE_SPARE);
        GrowPlan p = GrowPlan.of(sbs, sizes(3, DEV), GrowSpec.raidDevices(2), null);
        MdSuperblock first = p.devices().get(0).superblock();
        assertEquals(2, first.raidDisks());
        assertEquals(1, first.devRole(0), "role 2 moves down to 1");
        assertEquals(0, first.devRole(1));
        assertEquals(MdConstants.ROLE_SPARE, first.devRole(2), "a spare stays a spare");
        assertEquals(8, first.events(), "one superblock update");
        for (GrowPlan.Device d : p.devices()) {
            assertTrue(d.superblock().checksumValid());
            assertEquals(first.devRoles()[0], d.superblock().devRoles()[0], "every device gets the same table");
        }
    }

    @Test
    void aSlotHoldingAWorkingCopyIsNeverDroppedAndStripedLevelsAreNotReshaped() {
        List<MdSuperblock> sbs = raid1(2, 1, 0, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GrowPlan.of(sbs, sizes(2, DEV), GrowSpec.raidDevices(1), null));
        assertTrue(e.getMessage().startsWith("cannot reduce data to 1 raid device: 2 devices hold a role"), e.getMessage());
        IllegalArgumentException striped = assertThrows(IllegalArgumentException.class,
                () -> GrowPlan.of(raid1(2, 0, 0, 1), sizes(2, DEV), GrowSpec.raidDevices(3), null));
        assertTrue(striped.getMessage().contains("docs/design/reshape.md"), striped.getMessage());
    }

    @Test
    void growingTheSizeOwesAResyncFromTheOldEndAndSetsTheNewChunksOfTheBitmap() {
        List<MdSuperblock> sbs = raid1(2, 1, 0, 1);
        long old = sbs.get(0).size();
        long bigger = DEV + (16L << 11);
        GrowPlan p = GrowPlan.of(sbs, sizes(2, bigger), GrowSpec.size(GrowSpec.MAX, -1), null);
        MdSuperblock sb = p.devices().get(0).superblock();
        long expected = (bigger - sb.dataOffset()) / 128 * 128;
        assertEquals(expected, sb.size());
        assertEquals(old, sb.resyncOffset(), "md resyncs the new space from the old end");
        assertEquals(bigger - sb.dataOffset(), sb.dataSize(), "data_size follows the grown device");

        // With a bitmap of 1 MiB chunks: the old chunks keep their bits, the new ones are set.
        BitmapSuperblock h = BitmapSuperblock.builder().uuid(UUID).chunkSize(1 << 20).syncSize(old).build();
        BitmapImage bits = BitmapImage.clean(h);
        bits.set(3);
        List<MdSuperblock> withBitmap = sbs.stream().map(x -> x.with(b -> b.featureMap(MdConstants.FEATURE_BITMAP_OFFSET)
                .bitmapOffset(8))).toList();
        BitmapImage grown = GrowPlan.of(withBitmap, sizes(2, bigger), GrowSpec.size(GrowSpec.MAX, -1), bits)
                .devices().get(0).bitmap();
        long oldChunks = old * 512 / (1 << 20);
        assertEquals(expected * 512 / (1 << 20) + (expected * 512 % (1 << 20) == 0 ? 0 : 1), grown.bitCount());
        for (long bit = 0; bit < grown.bitCount(); bit++) {
            assertEquals(bit == 3 || bit >= oldChunks, grown.isSet(bit), "bit " + bit);
        }
    }

    @Test
    void shrinkingNeedsTheNewArraySizeConfirmed() {
        List<MdSuperblock> sbs = raid1(2, 1, 0, 1);
        GrowSpec unconfirmed = GrowSpec.size(8L << 20, -1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GrowPlan.of(sbs, sizes(2, DEV), unconfirmed, null));
        assertTrue(e.getMessage().contains("repeat with --array-size 8388608"), e.getMessage());
        assertEquals(16384, GrowPlan.of(sbs, sizes(2, DEV), GrowSpec.size(8L << 20, 8L << 20), null).devices().get(0)
                .superblock().size());
    }

    @Test
    void anAddedBitmapGoesEightSectorsAfterTheSuperblockWithMdadmsDefaultChunk() {
        List<MdSuperblock> sbs = raid1(2, 1, 0, 1);
        GrowPlan p = GrowPlan.of(sbs, sizes(2, DEV), GrowSpec.bitmap("internal", 0), null);
        GrowPlan.Device d = p.devices().get(1);
        assertEquals(MdConstants.FEATURE_BITMAP_OFFSET, d.superblock().featureMap() & MdConstants.FEATURE_BITMAP_OFFSET);
        assertEquals(8, d.superblock().bitmapOffset());
        assertEquals(SuperblockLayout.DEFAULT_BITMAP_CHUNK, d.bitmap().header().chunkSize());
        assertEquals(d.superblock().events(), d.bitmap().header().events(), "md takes a bitmap as current as its superblock");
        assertEquals(0, d.bitmap().dirty(), "a clean array owes nothing");
        GrowPlan off = GrowPlan.of(List.of(p.devices().get(0).superblock(), d.superblock()), sizes(2, DEV),
                GrowSpec.bitmap("none", 0), null);
        assertEquals(0, off.devices().get(0).superblock().featureMap() & MdConstants.FEATURE_BITMAP_OFFSET);
        assertThrows(IllegalStateException.class, () -> GrowPlan.of(List.of(d.superblock()), sizes(1, DEV),
                GrowSpec.bitmap("internal", 0), null));
    }
}
