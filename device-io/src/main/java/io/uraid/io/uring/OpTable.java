package io.uraid.io.uring;

/**
 * Preallocated state of every operation the engine has accepted and not yet completed, as
 * parallel arrays indexed by slot. The slot index is the SQE's user_data, so a completion finds
 * its operation without any lookup or allocation; the caller's own user_data is kept here.
 * Single-threaded (the issuer's).
 */
final class OpTable {
    final long[] userData;
    final long[] offset;
    final long[] address;
    final int[] length;
    /** Bytes transferred so far; a short transfer resubmits {@code length - done}. */
    final int[] done;
    /** Descriptor or registered-file index, as put in the SQE. */
    final int[] fd;
    final int[] opFlags;
    final byte[] opcode;
    /** IOSQE_* flags of the first submission (a resubmitted remainder drops IO_LINK). */
    final byte[] sqeFlags;
    /** Registered buffer index, or -1 for a plain READ/WRITE. */
    final short[] bufIndex;

    private final int[] freeStack;
    private int freeTop;

    OpTable(int slots) {
        userData = new long[slots];
        offset = new long[slots];
        address = new long[slots];
        length = new int[slots];
        done = new int[slots];
        fd = new int[slots];
        opFlags = new int[slots];
        opcode = new byte[slots];
        sqeFlags = new byte[slots];
        bufIndex = new short[slots];
        freeStack = new int[slots];
        // Low slots on top, so a lightly loaded engine keeps touching the same cache lines.
        for (int i = 0; i < slots; i++) {
            freeStack[i] = slots - 1 - i;
        }
        freeTop = slots;
    }

    int capacity() {
        return freeStack.length;
    }

    int free() {
        return freeTop;
    }

    int inUse() {
        return freeStack.length - freeTop;
    }

    /** Takes a slot, or returns -1 when all are in use. */
    int alloc() {
        return freeTop == 0 ? -1 : freeStack[--freeTop];
    }

    void release(int slot) {
        freeStack[freeTop++] = slot;
    }

    void set(int slot, int op, int flags, int fdOrIndex, long off, long addr, int len, int opFlagsValue,
             long user, int buf) {
        opcode[slot] = (byte) op;
        sqeFlags[slot] = (byte) flags;
        fd[slot] = fdOrIndex;
        offset[slot] = off;
        address[slot] = addr;
        length[slot] = len;
        done[slot] = 0;
        opFlags[slot] = opFlagsValue;
        userData[slot] = user;
        bufIndex[slot] = (short) buf;
    }
}
