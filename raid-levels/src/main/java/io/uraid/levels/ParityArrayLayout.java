package io.uraid.levels;

import io.uraid.core.spi.Layout;
import io.uraid.levels.parity.ParityLayout;

/**
 * The data bytes of a raid4/5/6 array as the core sees them: one copy of each byte, in the
 * member and at the offset {@link ParityLayout} gives; pieces end at chunk ends. Where the
 * parity chunks live is the level's own business ({@link #parity()}).
 */
public final class ParityArrayLayout implements Layout {
    private final ParityLayout parity;

    ParityArrayLayout(ParityLayout parity) {
        this.parity = parity;
    }

    /** The parity placement behind this layout. */
    public ParityLayout parity() {
        return parity;
    }

    @Override
    public long arraySize() {
        return parity.arraySize();
    }

    @Override
    public int raidDisks() {
        return parity.raidDisks();
    }

    @Override
    public int copies() {
        return 1;
    }

    @Override
    public long bytesToBoundary(long arrayOffset) {
        return parity.bytesToChunkEnd(arrayOffset);
    }

    @Override
    public int member(long arrayOffset, int copy) {
        return parity.roleOf(arrayOffset);
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        return parity.memberOffsetOf(arrayOffset);
    }

    /** md's bitmap and resync count stripe rows: a member byte of rows holds D array bytes. */
    @Override
    public int syncScale() {
        return parity.dataDisks();
    }

    @Override
    public long memberSpan() {
        return arraySize() / parity.dataDisks();
    }

    /** Stripe rows below which every stripe is in sync: a stripe's rows are synced by its first data chunk's windows. */
    @Override
    public long syncOffsetBelow(long arrayPrefix) {
        if (arrayPrefix >= arraySize()) {
            return memberSpan();
        }
        return parity.dataIndexOf(arrayPrefix) == 0 ? parity.memberOffsetOf(arrayPrefix)
                : parity.memberOffsetOfStripe(parity.stripeOf(arrayPrefix) + 1);
    }

    /** Whole stripes whose rows are all below {@code syncOffset}. */
    @Override
    public long arrayBelow(long syncOffset) {
        return Math.min(arraySize(), syncOffset / parity.chunkBytes() * parity.stripeBytes());
    }
}
