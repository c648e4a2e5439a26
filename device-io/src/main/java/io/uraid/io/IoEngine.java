package io.uraid.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An asynchronous block I/O engine: the one way uraid moves bytes to and from devices.
 *
 * <p>Usage follows a prepare/submit/reap cycle owned by a single thread (the "issuer"):
 * prepare any number of operations with the {@code prep*} methods, hand them to the kernel
 * with one {@link #submit()} call, then {@link #reap} completions. Implementations are not
 * thread-safe; only {@link #open} and {@link #close} may be called from other threads while
 * the engine is idle.
 *
 * <p>Buffers are native addresses ({@link NativeBuffer#address()}), which must stay valid and
 * untouched until the operation's completion has been reaped. Offsets, lengths and addresses
 * of reads and writes must be multiples of the device's {@link BlockDevice#logicalBlockSize()}
 * when the device is open with O_DIRECT; a misaligned operation is refused before submission
 * with {@link IllegalArgumentException}.
 *
 * <p>Back-pressure: a {@code prep*} method returns {@code false} when the engine has no room
 * for one more operation. Nothing is queued in that case; the caller reaps and retries.
 * Before preparing a linked chain of {@code n} operations, the caller checks that
 * {@link #available()} is at least {@code n}, so that a chain is never cut in half.
 *
 * <p>Completions carry the caller's 64-bit {@code userData} and a result: the number of bytes
 * transferred (0 for fsync and discard), or {@code -errno}. A short read or write is resubmitted
 * by the engine until the whole length is done; the caller sees one completion. Only a read that
 * reaches the end of the device completes short (with the bytes actually read).
 */
public interface IoEngine extends AutoCloseable {

    /** Flag for {@code prep*}: the next prepared operation starts only after this one succeeds;
     *  if this one fails, every later operation of the chain completes with {@code -ECANCELED}. */
    int LINK = 1;
    /** Flag for {@link #prepWrite}: the write is durable (RWF_DSYNC) when it completes. */
    int FUA = 2;

    /**
     * Whether an operation on {@code next} may be prepared {@link #LINK}ed behind one on
     * {@code first}. True for a single engine; an engine that routes devices to several engines
     * underneath can chain only within one of them, and a caller that gets false issues the
     * second operation after the first has completed instead.
     */
    default boolean canLink(BlockDevice first, BlockDevice next) {
        return true;
    }

    /** Short name of the engine kind: {@code io_uring}, {@code libaio}, {@code portable}... */
    String name();

    /**
     * Opens a file or block device for I/O through this engine.
     *
     * @throws IOException with a one-line message naming the path and the cause (missing,
     *         permission, claimed by another user, wrong type...)
     */
    BlockDevice open(Path path, OpenOptions options) throws IOException;

    /** Prepares a read of {@code length} bytes at {@code offset} into {@code address}. */
    boolean prepRead(BlockDevice device, long offset, long address, int length, long userData, int flags);

    /** Prepares a write of {@code length} bytes from {@code address} to {@code offset}. */
    boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData, int flags);

    /** Prepares an fsync ({@code dataOnly}: fdatasync) of the device. */
    boolean prepFsync(BlockDevice device, boolean dataOnly, long userData, int flags);

    /**
     * Prepares a discard of a byte range; after it succeeds the range reads back as zeroes.
     * Completes with {@code -EOPNOTSUPP} where the device cannot do that.
     */
    boolean prepDiscard(BlockDevice device, long offset, long length, long userData, int flags);

    /** How many more operations can be prepared right now. */
    int available();

    /** Operations submitted whose completions have not yet been reaped. */
    int inFlight();

    /**
     * Hands every prepared operation to the kernel in one system call.
     *
     * @return the number of operations submitted
     */
    int submit();

    /**
     * Delivers completions to {@code handler}, waiting until at least {@code minComplete}
     * have been delivered (0: deliver what is ready, never block). Prepared operations are
     * submitted first. The handler may prepare new operations; it must not call reap.
     *
     * @return the number of completions delivered
     */
    int reap(int minComplete, CompletionHandler handler);

    /**
     * Registers a region of native memory as fixed buffers, so reads and writes that fall
     * inside it skip the kernel's per-operation page pinning. Optional: engines without such
     * a notion accept and ignore it.
     */
    void registerBuffers(NativeBuffer region) throws IOException;

    /**
     * Registers several regions as the engine's fixed buffers at once, replacing any registered
     * before; called by the issuer while no operation is in flight. Returns true when the engine
     * now uses them (reads and writes inside a region skip page pinning), false when it has no
     * fixed buffers or the kernel refused them (RLIMIT_MEMLOCK): plain operations are used then,
     * with the same results.
     */
    default boolean registerBuffers(java.util.List<NativeBuffer> regions) throws IOException {
        if (regions.size() == 1) {
            registerBuffers(regions.get(0));
        }
        return false;
    }

    /** Reads and writes that went out on registered buffers so far (0 for engines without them). */
    default long fixedBufferOps() {
        return 0;
    }

    /**
     * Makes a {@link #reap} that is blocked (or about to block) in this engine return soon,
     * even with no completion. The only method any thread may call at any time; it is how a
     * producer wakes an idle issuer. Engines that cannot do this return false from
     * {@link #supportsWakeup()} and the issuer must not block in reap with nothing in flight.
     */
    default void wakeup() {
    }

    /** True when {@link #wakeup()} really interrupts a blocking {@link #reap}. */
    default boolean supportsWakeup() {
        return false;
    }

    /** Closes the engine; devices opened through it must be closed first. */
    @Override
    void close();
}
