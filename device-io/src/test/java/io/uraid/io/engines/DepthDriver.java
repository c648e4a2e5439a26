package io.uraid.io.engines;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;

/**
 * Keeps a fixed number of 4 KiB operations in flight on one device, alternating writes and
 * reads at pseudo-random offsets, like the array issuer does: what allocation tests drive.
 */
public final class DepthDriver implements CompletionHandler {
    private final IoEngine engine;
    private final BlockDevice dev;
    private final NativeBuffer buf;
    private final int depth;
    private final long size;
    private long issued;
    private long outstanding;
    private long target;
    private long errors;
    private long rng = 0x2545F4914F6CDD1DL;

    /** @param buf {@code depth} * 4096 bytes; @param size the device bytes used */
    public DepthDriver(IoEngine engine, BlockDevice dev, NativeBuffer buf, int depth, long size) {
        this.engine = engine;
        this.dev = dev;
        this.buf = buf;
        this.depth = depth;
        this.size = size;
    }

    /** Operations that did not transfer their 4096 bytes. */
    public long errors() {
        return errors;
    }

    public void run(int ops) {
        issued = 0;
        target = ops;
        for (int slot = 0; slot < depth; slot++) {
            issue(slot);
        }
        engine.submit();
        // Not inFlight(): it leaves out operations the handler prepared and reap has not submitted yet.
        while (outstanding > 0) {
            engine.reap(1, this);
        }
    }

    private void issue(int slot) {
        if (issued >= target) {
            return;
        }
        rng ^= rng << 13;
        rng ^= rng >>> 7;
        rng ^= rng << 17;
        long offset = Math.floorMod(rng, size / 4096) * 4096;
        long addr = buf.address() + slot * 4096L;
        boolean ok = (issued & 1) == 0 ? engine.prepWrite(dev, offset, addr, 4096, slot, 0)
                : engine.prepRead(dev, offset, addr, 4096, slot, 0);
        if (!ok) {
            throw new AssertionError("engine full at depth " + depth);
        }
        issued++;
        outstanding++;
    }

    @Override
    public void onComplete(long userData, int result) {
        outstanding--;
        if (result != 4096) {
            errors++;
        }
        issue((int) userData);
    }
}
