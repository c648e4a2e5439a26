package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.*;

import io.uraid.io.internal.IntDeque;
import io.uraid.io.internal.UnsafeAccess;

/**
 * The issuer's side of the submission queue: writes the SQE of an {@link OpTable} slot at the
 * tail, tracks what the kernel has consumed, and keeps the remainders of short transfers until
 * the SQ has room for them and no caller chain is open. Knows nothing of io_uring_enter.
 * Allocation-free; single-threaded (the issuer's).
 */
final class SubmitQueue {
    private final OpTable ops;
    // Ring fields copied into finals of this class so the JIT keeps them in registers.
    private final int entries;
    private final int mask;
    private final long tailAddr;
    private final long sqes;
    /** Per SQ position: true for a caller's operation, false for a resubmitted remainder. */
    private final boolean[] callerSqe;
    /** FIFO of slots whose remainder waits for SQ room (a short transfer seen while reaping). */
    private final IntDeque pending;

    private int tail;         // SQEs written
    private int head;         // SQEs consumed by the kernel
    private int callerQueued; // caller operations written but not yet consumed
    private boolean tailLinked;
    private long fixedBufferOps;

    SubmitQueue(UringRings rings, OpTable ops) {
        this.ops = ops;
        this.entries = rings.sqEntries;
        this.mask = rings.sqMask;
        this.tailAddr = rings.sqTail;
        this.sqes = rings.sqes;
        this.callerSqe = new boolean[entries];
        this.pending = new IntDeque(ops.capacity());
        this.head = UnsafeAccess.getIntAcquire(rings.sqHead);
        this.tail = head;
    }

    /** SQEs written and not yet consumed by the kernel. */
    int queued() {
        return tail - head;
    }

    /** True when no more SQE fits. */
    boolean full() {
        return tail - head == entries;
    }

    /** Caller operations written and not yet consumed (remainders excluded). */
    int callerQueued() {
        return callerQueued;
    }

    /** True when the last SQE written opens a chain (IO_LINK), so nothing else may follow yet. */
    boolean tailLinked() {
        return tailLinked;
    }

    /** Remainders waiting for room. */
    int pendingCount() {
        return pending.size();
    }

    /** How many SQEs were READ_FIXED/WRITE_FIXED. */
    long fixedBufferOps() {
        return fixedBufferOps;
    }

    /** Writes the SQE for a slot's (remaining) operation at the SQ tail; the caller checked for room. */
    void push(int slot, boolean callerOp) {
        int pos = tail & mask;
        long sqe = sqes + ((long) pos << SQE_SHIFT);
        int op = ops.opcode[slot];
        int flags = ops.sqeFlags[slot];
        int done = ops.done[slot];
        if (done > 0) {
            flags &= ~IOSQE_IO_LINK; // the kernel already ended the chain at the short transfer
        }
        int fd = ops.fd[slot];
        if (op == OP_READ || op == OP_WRITE) {
            int buf = ops.bufIndex[slot];
            int opcode = op;
            if (buf >= 0) {
                opcode = op == OP_READ ? OP_READ_FIXED : OP_WRITE_FIXED;
                fixedBufferOps++;
            }
            SqeWriter.write(sqe, opcode, flags, fd, ops.offset[slot] + done, ops.address[slot] + done,
                    ops.length[slot] - done, ops.opFlags[slot], slot, Math.max(buf, 0));
        } else {
            SqeWriter.write(sqe, op, flags, fd, ops.offset[slot], ops.address[slot], ops.length[slot],
                    ops.opFlags[slot], slot, 0);
        }
        callerSqe[pos] = callerOp;
        if (callerOp) {
            callerQueued++;
        }
        tailLinked = (flags & IOSQE_IO_LINK) != 0;
        tail++;
    }

    /** Queues the remainder of a short transfer, written by {@link #placePending()}. */
    void addRemainder(int slot) {
        pending.addLast(slot);
    }

    /** Writes waiting remainders while there is room. */
    void placePending() {
        // Never behind an open chain: the remainder would become part of the caller's chain.
        while (!pending.isEmpty() && !tailLinked && tail - head < entries) {
            push(pending.pollFirst(), false);
        }
    }

    /** Makes the SQEs written so far visible to the kernel. */
    void publish() {
        // Release: the SQE stores above become visible before the kernel sees the new tail.
        UnsafeAccess.putIntRelease(tailAddr, tail);
    }

    /** Records that the kernel consumed the next {@code n} SQEs. */
    void consumed(int n) {
        int newHead = head + n;
        for (int i = head; i != newHead; i++) {
            if (callerSqe[i & mask]) {
                callerQueued--;
            }
        }
        head = newHead;
        if (head == tail) {
            tailLinked = false;
        }
    }
}
