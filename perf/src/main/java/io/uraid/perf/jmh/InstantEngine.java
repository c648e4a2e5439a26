package io.uraid.perf.jmh;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import java.nio.file.Path;

/**
 * An engine whose operations complete at the next reap without touching any device, so a
 * benchmark of the request path measures uraid's own work (ring, mapping, legs, completion)
 * and nothing of the kernel's. For JMH only.
 */
final class InstantEngine implements IoEngine {
    private final long[] userData;
    private final int[] results;
    private int head;
    private int count;

    InstantEngine(int entries) {
        userData = new long[entries];
        results = new int[entries];
    }

    /** A device that exists only as a size. */
    static BlockDevice device(String name, long size) {
        return new BlockDevice() {
            @Override
            public Path path() {
                return Path.of(name);
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public int logicalBlockSize() {
                return 512;
            }

            @Override
            public int physicalBlockSize() {
                return 4096;
            }

            @Override
            public boolean isBlockDevice() {
                return false;
            }

            @Override
            public boolean isDirect() {
                return true;
            }

            @Override
            public int handle() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String name() {
        return "instant";
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) {
        throw new UnsupportedOperationException("use InstantEngine.device");
    }

    private boolean add(long data, int result) {
        if (count == userData.length) {
            return false;
        }
        int i = (head + count++) % userData.length;
        userData[i] = data;
        results[i] = result;
        return true;
    }

    @Override
    public boolean prepRead(BlockDevice device, long offset, long address, int length, long data, int flags) {
        return add(data, length);
    }

    @Override
    public boolean prepWrite(BlockDevice device, long offset, long address, int length, long data, int flags) {
        return add(data, length);
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long data, int flags) {
        return add(data, 0);
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long offset, long length, long data, int flags) {
        return add(data, 0);
    }

    @Override
    public int available() {
        return userData.length - count;
    }

    @Override
    public int inFlight() {
        return count;
    }

    @Override
    public int submit() {
        return count;
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        int n = count;
        for (int k = 0; k < n; k++) {
            long d = userData[head];
            int r = results[head];
            head = (head + 1) % userData.length;
            count--;
            handler.onComplete(d, r);
        }
        return n;
    }

    @Override
    public void registerBuffers(NativeBuffer region) {
    }

    @Override
    public void close() {
    }
}
