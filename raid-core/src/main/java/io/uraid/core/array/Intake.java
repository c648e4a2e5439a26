package io.uraid.core.array;

import io.uraid.io.Errno;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door requests come in by. Producers count themselves in while they publish, so whoever
 * shuts the door (close, or the dispatcher failing) can wait for those that passed it and answer
 * what they put in the ring; after that nobody publishes again. Shut, it answers at once: with
 * -ESHUTDOWN once the array is closed, with -EIO once its dispatcher has failed.
 */
final class Intake {
    private final AtomicInteger publishing = new AtomicInteger();
    /** 0 while open, else the -errno every request gets from now on. */
    private volatile int refusal;
    /** Why the dispatcher stopped, or null. */
    private volatile Throwable failure;

    /** A producer comes in; returns 0 when it may publish, else the -errno to answer with (after {@link #leave}). */
    int enter() {
        publishing.incrementAndGet();
        return refusal;
    }

    void leave() {
        publishing.decrementAndGet();
    }

    /** 0 while open, else the -errno a request gets. */
    int refusal() {
        return refusal;
    }

    /** True while some producer is between {@link #enter} and {@link #leave}. */
    boolean producersInside() {
        return publishing.get() > 0;
    }

    /** The array is closed: requests get -ESHUTDOWN. */
    void close() {
        refusal = -Errno.ESHUTDOWN;
    }

    /** The dispatcher stopped on {@code cause}: requests get -EIO (-ESHUTDOWN once closed). */
    void fail(Throwable cause) {
        failure = cause;
        if (refusal == 0) {
            refusal = -Errno.EIO;
        }
    }

    Throwable failure() {
        return failure;
    }
}
