package io.uraid.core.api;

import io.uraid.io.Errno;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Blocking helpers over a {@link BlockTarget} for callers that are not on a hot path (tools,
 * tests, the CLI): each call waits for its request and throws on failure.
 */
public final class BlockingIo {
    private BlockingIo() {
    }

    /** Reads {@code length} bytes at {@code offset} into native memory. */
    public static void read(BlockTarget target, long offset, int length, long address) throws IOException {
        await("read", offset, (cb) -> target.read(offset, length, address, cb, 0));
    }

    /** Writes {@code length} bytes from native memory to {@code offset}. */
    public static void write(BlockTarget target, long offset, int length, long address, int flags)
            throws IOException {
        await("write", offset, (cb) -> target.write(offset, length, address, flags, cb, 0));
    }

    public static void flush(BlockTarget target) throws IOException {
        await("flush", 0, (cb) -> target.flush(cb, 0));
    }

    public static void discard(BlockTarget target, long offset, long length) throws IOException {
        await("discard", offset, (cb) -> target.discard(offset, length, cb, 0));
    }

    private interface Call {
        void start(IoCallback cb);
    }

    private static void await(String what, long offset, Call call) throws IOException {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        call.start((tag, result) -> done.complete(result));
        int result;
        try {
            result = done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed", e.getCause());
        }
        if (result < 0) {
            throw new IOException(what + " at offset " + offset + " failed: " + Errno.describe(result));
        }
    }
}
