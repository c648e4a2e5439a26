package io.uraid.levels.ppl;

import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.levels.parity.ParityLayout;
import java.io.IOException;

/**
 * The partial parity logs of a raid5 being assembled, handled as md handles them when it
 * starts the array: the array's facts come from its freshest superblock (the most events),
 * each present member's log area from its own; the logs are replayed when that superblock says
 * the array was not stopped cleanly, and cleared in any case ({@link PplRecovery}).
 */
public final class PplStart {
    private PplStart() {
    }

    /**
     * True when the superblock describes an array with consistency policy ppl: md records bit
     * 1024 (one log per area) or, once it has used the area for several, bit 2048 instead.
     */
    public static boolean hasPpl(MdSuperblock sb) {
        return (sb.featureMap() & (MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS)) != 0;
    }

    /**
     * Recovers and clears the logs before the array starts.
     *
     * @param byRole    each role's superblock, null where the role has no device
     * @param io        the members; data of a role being rebuilt are read only below its
     *                  {@link PplMemberIo#recovered recovery offset}
     * @param unitBytes the array's logical block size (md's unit of an entry's data_sector)
     * @throws IOException when a member cannot be read or written, or the superblocks describe no raid5 PPL
     */
    public static PplRecovery.Outcome recover(MdSuperblock[] byRole, PplMemberIo io, int unitBytes) throws IOException {
        MdSuperblock freshest = null;
        for (MdSuperblock sb : byRole) {
            if (sb != null && (freshest == null || Long.compareUnsigned(sb.events(), freshest.events()) > 0)) {
                freshest = sb;
            }
        }
        if (freshest == null || freshest.level() != 5 || !hasPpl(freshest)) {
            throw new IOException("not a raid5 with a partial parity log");
        }
        ParityLayout layout;
        PplArea[] areas = new PplArea[byRole.length];
        try {
            layout = ParityLayout.of(5, freshest.layout(), freshest.raidDisks(), freshest.chunkSize() * 512,
                    freshest.size() * 512);
            for (int r = 0; r < byRole.length; r++) {
                areas[r] = byRole[r] == null ? null : PplArea.of(byRole[r]);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read the partial parity log: " + e.getMessage(), e);
        }
        boolean dirty = freshest.resyncOffset() != MdConstants.RESYNC_DONE;
        return new PplRecovery(layout, io, PplHeader.signature(freshest.setUuid()), unitBytes).run(areas, dirty);
    }
}
