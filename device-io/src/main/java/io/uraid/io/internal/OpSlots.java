package io.uraid.io.internal;

/**
 * The operations an engine has accepted and not yet completed, as parallel arrays indexed by
 * slot, for the engines that run operations themselves (kernel AIO, the portable engine). The
 * slot index travels with the operation, so a completion finds it without lookup or
 * allocation. The engine keeps its own per-slot state (device, result...) beside these arrays.
 * Not thread-safe: the issuer takes and releases slots.
 */
public final class OpSlots {
    public static final byte OP_READ = 0;
    public static final byte OP_WRITE = 1;
    public static final byte OP_FSYNC = 2;
    public static final byte OP_FDATASYNC = 3;
    public static final byte OP_DISCARD = 4;

    public final byte[] op;
    public final long[] offset;
    public final long[] address;
    public final long[] length;
    public final long[] userData;
    /** The caller's {@code IoEngine} flags (LINK, FUA). */
    public final int[] flags;
    private final IntDeque free;

    public OpSlots(int entries) {
        op = new byte[entries];
        offset = new long[entries];
        address = new long[entries];
        length = new long[entries];
        userData = new long[entries];
        flags = new int[entries];
        free = new IntDeque(entries);
        // Low slots first, so a lightly loaded engine keeps touching the same cache lines.
        for (int i = entries - 1; i >= 0; i--) {
            free.addLast(i);
        }
    }

    /** Free slots. */
    public int available() {
        return free.size();
    }

    /** Takes a free slot and records the operation in it; -1 when every slot is taken. */
    public int take(byte kind, long off, long addr, long len, long ud, int fl) {
        if (free.isEmpty()) {
            return -1;
        }
        int s = free.pollLast();
        op[s] = kind;
        offset[s] = off;
        address[s] = addr;
        length[s] = len;
        userData[s] = ud;
        flags[s] = fl;
        return s;
    }

    /** Gives a completed slot back. */
    public void release(int s) {
        free.addLast(s);
    }

    /** True for a read or a write (the operations that move bytes). */
    public boolean isTransfer(int s) {
        return op[s] == OP_READ || op[s] == OP_WRITE;
    }

    /** True when {@code result} means slot {@code s} did all it was asked (no error, no short transfer). */
    public boolean complete(int s, int result) {
        return result >= 0 && (!isTransfer(s) || result == length[s]);
    }
}
