package io.uraid.levels.ppl;

import io.uraid.core.plan.MemberSetup;
import io.uraid.core.sb.PplHeader;

/**
 * md's empty log on a device that takes a role of a raid5 with the partial parity log
 * (ppl_modify_log, as at every array start): the whole area zeroed and an empty header of
 * generation 0 with the array's signature at its start. Nothing a device logged before, in
 * this array or another, can then pass for its newest log write: the scan stops at the empty
 * header, and zeros follow it. The zeros go after the header's block, so the writes do not
 * overlap and their order does not matter.
 */
public final class PplAreaClear implements MemberSetup {
    private final PplArea area;
    private final long header;
    private final long zeros;
    private final int zeroBytes;
    private final int writes;

    /**
     * @param area      the device's log area ({@link PplArea#of} of its own superblock)
     * @param header    native address of the empty header ({@link PplHeader#BYTES} bytes)
     * @param zeros     native address of {@code zeroBytes} zero bytes
     * @param zeroBytes bytes of zeros one write carries
     */
    public PplAreaClear(PplArea area, long header, long zeros, int zeroBytes) {
        this.area = area;
        this.header = header;
        this.zeros = zeros;
        this.zeroBytes = zeroBytes;
        long rest = area.bytes() - PplHeader.BYTES;
        this.writes = 1 + (int) ((rest + zeroBytes - 1) / zeroBytes);
    }

    @Override
    public int writes() {
        return writes;
    }

    @Override
    public long offset(int i) {
        return i == 0 ? area.start() : area.start() + PplHeader.BYTES + (long) (i - 1) * zeroBytes;
    }

    @Override
    public long address(int i) {
        return i == 0 ? header : zeros;
    }

    @Override
    public int length(int i) {
        if (i == 0) {
            return PplHeader.BYTES;
        }
        return (int) Math.min(zeroBytes, area.start() + area.bytes() - offset(i));
    }
}
