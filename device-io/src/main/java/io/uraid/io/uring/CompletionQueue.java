package io.uraid.io.uring;

import static io.uraid.io.uring.UringAbi.*;

import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.internal.UnsafeAccess;
import io.uraid.io.nativeio.LinuxNative;
import java.util.logging.Logger;

/**
 * The issuer's side of the completion queue: reads CQEs off the shared ring, finishes the
 * {@link OpTable} slot each names and counts the CQEs the kernel still owes. A short read or
 * write is not finished but handed back to the {@link SubmitQueue} for its remainder. The
 * engine's wake read completes here too: it ends the reap that waits, without reaching the
 * caller's handler. Allocation-free; single-threaded (the issuer's).
 */
final class CompletionQueue {
    /** The engine's logger: its warnings log where they always did. */
    private static final Logger LOG = Logger.getLogger(IoUringEngine.class.getName());

    private final OpTable ops;
    private final SubmitQueue sq;
    // Ring fields copied into finals of this class so the JIT keeps them in registers.
    private final int mask;
    private final long headAddr;
    private final long tailAddr;
    private final long cqes;
    /** The op slot kept for the wake read (-1 without a wake event). */
    private final int wakeSlot;
    private int head;
    private int inKernel;      // SQEs consumed whose CQE has not been reaped
    private boolean wakeArmed; // the wake read is queued or in the kernel
    private boolean woke;      // the wake read completed during the current reap

    CompletionQueue(UringRings rings, OpTable ops, SubmitQueue sq, int wakeSlot) {
        this.ops = ops;
        this.sq = sq;
        this.mask = rings.cqMask;
        this.headAddr = rings.cqHead;
        this.tailAddr = rings.cqTail;
        this.cqes = rings.cqes;
        this.wakeSlot = wakeSlot;
        this.head = UnsafeAccess.getIntAcquire(headAddr);
    }

    /** The kernel consumed {@code n} SQEs: their CQEs are owed. */
    void submitted(int n) {
        inKernel += n;
    }

    /** SQEs consumed whose CQE has not been reaped (the wake read included while armed). */
    int inKernel() {
        return inKernel;
    }

    /** CQEs posted and not yet reaped. */
    int ready() {
        return UnsafeAccess.getIntAcquire(tailAddr) - head;
    }

    /** True while the wake read is queued or in the kernel. */
    boolean wakeArmed() {
        return wakeArmed;
    }

    /** Queues the wake read, so that a blocking wait also ends when the wake event is signalled. */
    void armWake() {
        sq.push(wakeSlot, false);
        wakeArmed = true;
    }

    /** A reap starts: forgets a wake-up seen by an earlier one. */
    void clearWoke() {
        woke = false;
    }

    /** True when the wake read completed since {@link #clearWoke()}. */
    boolean woke() {
        return woke;
    }

    /** Delivers every CQE present; returns how many reached the handler (remainders do not). */
    int drain(CompletionHandler handler) {
        int h = head;
        int tail = UnsafeAccess.getIntAcquire(tailAddr); // acquire: CQE contents are visible
        int delivered = 0;
        while (h != tail) {
            long cqe = cqes + ((long) (h & mask) << CQE_SHIFT);
            int slot = (int) UnsafeAccess.getLong(cqe + CQE_USER_DATA);
            int res = UnsafeAccess.getInt(cqe + CQE_RES);
            h++;
            head = h;
            // Release: done reading this CQE before the kernel may reuse it. Stored per CQE so a
            // throwing handler leaves the ring consistent.
            UnsafeAccess.putIntRelease(headAddr, h);
            inKernel--;
            if (complete(slot, res, handler)) {
                delivered++;
            }
            if (h == tail) {
                tail = UnsafeAccess.getIntAcquire(tailAddr);
            }
        }
        return delivered;
    }

    private boolean complete(int slot, int res, CompletionHandler handler) {
        if (slot == wakeSlot) {
            wakeArmed = false; // armed again the next time the issuer would block idle
            woke = true;
            return false;
        }
        int op = ops.opcode[slot];
        int result = res;
        if (res >= 0 && (op == OP_READ || op == OP_WRITE)) {
            int done = ops.done[slot] + res;
            ops.done[slot] = done;
            result = done;
            if (done < ops.length[slot]) {
                if (res > 0) {
                    sq.addRemainder(slot);
                    return false;
                }
                // 0 bytes: a read hit the end of the file/device; a write cannot progress.
                result = op == OP_READ ? done : -Errno.EIO;
            }
        }
        long userData = ops.userData[slot];
        ops.release(slot); // before the handler, which may prepare into this slot
        handler.onComplete(userData, result);
        return true;
    }

    /**
     * At close: waits for every operation still in the kernel of ring {@code ringFd} and drops
     * its completion, so the kernel never writes into memory freed afterwards.
     */
    void awaitAndDrop(int ringFd) {
        while (inKernel > 0) {
            int r = LinuxNative.ioUringEnter(ringFd, 0, inKernel, ENTER_GETEVENTS);
            if (r < 0 && r != -Errno.EINTR) {
                LOG.warning("io_uring: could not wait for " + inKernel + " operations at close: "
                        + Errno.describe(r));
                break;
            }
            int tail = UnsafeAccess.getIntAcquire(tailAddr);
            inKernel -= tail - head;
            head = tail;
            UnsafeAccess.putIntRelease(headAddr, tail);
        }
    }
}
