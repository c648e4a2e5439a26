package io.uraid.io.remote;

import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import java.util.HashMap;
import java.util.Map;

/** Runs operations through an engine and waits for them (tests). */
final class Ops {
    private final IoEngine engine;
    private final Map<Long, Integer> results = new HashMap<>();
    private long next = 1;

    Ops(IoEngine engine) {
        this.engine = engine;
    }

    long read(BlockDevice d, long off, long addr, int len) {
        long ud = next++;
        check(engine.prepRead(d, off, addr, len, ud, 0));
        return ud;
    }

    long write(BlockDevice d, long off, long addr, int len, int flags) {
        long ud = next++;
        check(engine.prepWrite(d, off, addr, len, ud, flags));
        return ud;
    }

    long fsync(BlockDevice d) {
        long ud = next++;
        check(engine.prepFsync(d, true, ud, 0));
        return ud;
    }

    long discard(BlockDevice d, long off, long len) {
        long ud = next++;
        check(engine.prepDiscard(d, off, len, ud, 0));
        return ud;
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("engine full");
        }
    }

    /** Submits and waits until {@code ud} completed; its result. */
    int await(long ud) {
        engine.submit();
        while (!results.containsKey(ud)) {
            engine.reap(1, results::put);
        }
        return results.remove(ud);
    }

    /** Runs one operation to completion. */
    int readNow(BlockDevice d, long off, long addr, int len) {
        return await(read(d, off, addr, len));
    }

    int writeNow(BlockDevice d, long off, long addr, int len, int flags) {
        return await(write(d, off, addr, len, flags));
    }
}
