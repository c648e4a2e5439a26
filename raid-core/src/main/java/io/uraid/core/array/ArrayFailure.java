package io.uraid.core.array;

import io.uraid.core.api.IoCallback;
import io.uraid.io.CompletionHandler;
import io.uraid.io.Errno;
import io.uraid.io.IoEngine;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a dispatcher does when its loop throws (a bug: the state it works on can no longer be
 * trusted): the array fails for good, as md fails an array it cannot drive. Every request it had
 * taken and not answered, and every one published from now on, gets -EIO exactly once; nothing
 * more is written to the members (no clean mark: the next assembly resyncs as after a crash).
 * Runs on the dispatcher thread, which ends after it.
 */
final class ArrayFailure {
    private static final Logger LOG = Logger.getLogger(ArrayFailure.class.getName());
    /**
     * How long the legs still in the engine get to come back. A request is answered only then:
     * a read answered while the device still writes into its buffer would hand the caller a
     * buffer that changes under it.
     */
    static final long LEG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ArrayCore core;
    private final Intake intake;

    ArrayFailure(ArrayCore core, Intake intake) {
        this.core = core;
        this.intake = intake;
    }

    /** Fails the array on {@code cause}; {@code dispatcher} gives the ring's leftovers. */
    void fail(Throwable cause, Dispatcher dispatcher) {
        LOG.log(Level.SEVERE, core.name + ": dispatcher stopped by an unexpected error; the array has failed"
                + " and answers every request with EIO", cause);
        intake.fail(cause); // new requests are answered at once from here on
        try {
            if (!awaitEngine()) {
                core.legsAbandoned = true; // their buffers (and the array's) must outlive the array
                LOG.severe(core.name + ": " + core.engine.inFlight() + " legs still in flight "
                        + TimeUnit.NANOSECONDS.toSeconds(LEG_WAIT_NANOS) + " s after the failure; their requests"
                        + " are answered anyway and the array's buffers are never freed");
            }
        } catch (RuntimeException | Error e) {
            core.legsAbandoned = true;
            LOG.log(Level.WARNING, core.name + ": could not wait for the legs in flight", e);
        }
        answerTaken();
        do {
            dispatcher.refuseFromRing(-Errno.EIO); // also frees room for a producer blocked on a full ring
            Thread.onSpinWait();
        } while (intake.producersInside() || dispatcher.ringHasRequests());
    }

    /**
     * Reaps the legs in flight without hearing them (no level code runs: its state is suspect),
     * for at most {@link #LEG_WAIT_NANOS}; true when none is left.
     */
    private boolean awaitEngine() {
        IoEngine engine = core.engine;
        CompletionHandler ignore = (userData, result) -> { };
        long deadline = System.nanoTime() + LEG_WAIT_NANOS;
        while (engine.inFlight() > 0) {
            if (engine.reap(0, ignore) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                LockSupport.parkNanos(100_000);
            }
        }
        return true;
    }

    /** Every request taken and not answered (running, stalled, parked, waiting for metadata): -EIO, once. */
    private void answerTaken() {
        for (ArrayRequest r : core.requests) {
            IoCallback cb = r.callback; // set while taken and unanswered (see ArrayCore#complete)
            if (cb == null) {
                continue;
            }
            r.clear();
            r.acked = true;
            try {
                cb.done(r.tag, -Errno.EIO);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, core.name + ": a request's callback failed", e);
            }
        }
    }
}
