package io.uraid.io.testing;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An {@link IoEngine} that forwards every call to an inner engine, so that a test decorator
 * overrides only the calls it changes.
 */
public abstract class ForwardingEngine implements IoEngine {
    /** The decorated engine (owned: closed with this one). */
    protected final IoEngine inner;

    protected ForwardingEngine(IoEngine inner) {
        this.inner = inner;
    }

    /** The decorated engine. */
    public IoEngine inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        return inner.open(path, options);
    }

    @Override
    public boolean prepRead(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        return inner.prepRead(device, offset, address, length, userData, flags);
    }

    @Override
    public boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        return inner.prepWrite(device, offset, address, length, userData, flags);
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long userData, int flags) {
        return inner.prepFsync(device, dataOnly, userData, flags);
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long offset, long length, long userData, int flags) {
        return inner.prepDiscard(device, offset, length, userData, flags);
    }

    @Override
    public int available() {
        return inner.available();
    }

    @Override
    public int inFlight() {
        return inner.inFlight();
    }

    @Override
    public int submit() {
        return inner.submit();
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        return inner.reap(minComplete, handler);
    }

    @Override
    public void registerBuffers(NativeBuffer region) throws IOException {
        inner.registerBuffers(region);
    }

    @Override
    public boolean registerBuffers(java.util.List<NativeBuffer> regions) throws IOException {
        return inner.registerBuffers(regions);
    }

    @Override
    public long fixedBufferOps() {
        return inner.fixedBufferOps();
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public boolean supportsWakeup() {
        return inner.supportsWakeup();
    }

    @Override
    public void close() {
        inner.close();
    }
}
