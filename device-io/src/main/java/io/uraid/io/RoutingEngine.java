package io.uraid.io;

import io.uraid.io.remote.DevicePaths;
import io.uraid.io.remote.NbdDevice;
import io.uraid.io.remote.NbdEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine an array's dispatcher drives when its members may be local or remote: a local
 * engine (io_uring, libaio, portable) for files and block devices, and, opened with the first
 * remote member, an {@link NbdEngine} for NBD exports. Each operation goes to the engine that
 * opened its device; {@link #submit()} and {@link #reap} serve both, so the issuer still has
 * one prepare/submit/reap cycle and one wake-up.
 *
 * <p>Waiting: with remote operations outstanding, a blocking reap blocks in the local engine
 * (which is what {@link #wakeup()} interrupts), and each remote completion wakes it there
 * (only while it blocks, so a busy issuer pays nothing). A LINK chain must stay on one side.
 * Nothing here allocates per operation; with no remote member every call is passed straight
 * through.
 *
 * <p>Opening a remote device only connects to its server and touches nothing the issuer
 * uses, so unlike a local open it may run on any thread while the engine is busy: an array
 * adds a remote spare without holding up its dispatcher for the TCP and TLS handshakes.
 */
public final class RoutingEngine implements IoEngine {
    private final IoEngine local;
    private final int entries;
    private volatile NbdEngine remote;
    /** The issuer is (about to be) blocked in the local engine's reap. */
    private volatile boolean blocking;
    /** The engine an unfinished LINK chain was prepared on, or null. */
    private IoEngine chain;

    /** @param entries the most operations each side takes at once */
    public RoutingEngine(IoEngine local, int entries) {
        this.local = local;
        this.entries = entries;
    }

    /** The local engine underneath. */
    public IoEngine local() {
        return local;
    }

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public BlockDevice open(Path path, OpenOptions options) throws IOException {
        return DevicePaths.isRemote(path) ? remote().open(path, options) : local.open(path, options);
    }

    private NbdEngine remote() {
        NbdEngine r = remote;
        if (r == null) {
            synchronized (this) {
                if (remote == null) {
                    NbdEngine created = new NbdEngine(entries);
                    created.onCompletion(this::remoteCompleted);
                    remote = created;
                }
                r = remote;
            }
        }
        return r;
    }

    /** A remote completion arrived (a connection's thread): wake the issuer if it waits locally. */
    private void remoteCompleted() {
        if (blocking) {
            local.wakeup();
        }
    }

    /** Only within one side: the local engine and the NBD engine each keep their own chains. */
    @Override
    public boolean canLink(BlockDevice first, BlockDevice next) {
        return (first instanceof NbdDevice) == (next instanceof NbdDevice);
    }

    private IoEngine engineFor(BlockDevice device, int flags) {
        IoEngine e = device instanceof NbdDevice ? remote : local;
        if (chain != null && chain != e) {
            throw new IllegalArgumentException(device + ": a LINK chain cannot mix local and remote devices");
        }
        return e;
    }

    private boolean prepared(IoEngine e, boolean ok, int flags) {
        if (ok) {
            chain = (flags & LINK) != 0 ? e : null;
        }
        return ok;
    }

    @Override
    public boolean prepRead(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        IoEngine e = engineFor(device, flags);
        return prepared(e, e.prepRead(device, offset, address, length, userData, flags), flags);
    }

    @Override
    public boolean prepWrite(BlockDevice device, long offset, long address, int length, long userData, int flags) {
        IoEngine e = engineFor(device, flags);
        return prepared(e, e.prepWrite(device, offset, address, length, userData, flags), flags);
    }

    @Override
    public boolean prepFsync(BlockDevice device, boolean dataOnly, long userData, int flags) {
        IoEngine e = engineFor(device, flags);
        return prepared(e, e.prepFsync(device, dataOnly, userData, flags), flags);
    }

    @Override
    public boolean prepDiscard(BlockDevice device, long offset, long length, long userData, int flags) {
        IoEngine e = engineFor(device, flags);
        return prepared(e, e.prepDiscard(device, offset, length, userData, flags), flags);
    }

    /** The room on the fuller side: the caller does not say which device comes next. */
    @Override
    public int available() {
        NbdEngine r = remote;
        return r == null ? local.available() : Math.min(local.available(), r.available());
    }

    @Override
    public int inFlight() {
        NbdEngine r = remote;
        return local.inFlight() + (r == null ? 0 : r.inFlight());
    }

    @Override
    public int submit() {
        NbdEngine r = remote;
        return local.submit() + (r == null ? 0 : r.submit());
    }

    @Override
    public int reap(int minComplete, CompletionHandler handler) {
        NbdEngine r = remote;
        if (r == null) {
            return local.reap(minComplete, handler);
        }
        int delivered = r.reap(0, handler);
        if (minComplete <= 0 || delivered >= minComplete) {
            return delivered + local.reap(0, handler);
        }
        if (r.inFlight() == 0) {
            return delivered + local.reap(minComplete - delivered, handler);
        }
        if (local.supportsWakeup()) {
            blocking = true;
            try {
                // Checked after raising the flag: a completion queued before it is seen here,
                // one queued after it wakes the local engine.
                delivered += local.reap(r.hasCompletions() ? 0 : minComplete - delivered, handler);
            } finally {
                blocking = false;
            }
            return delivered + r.reap(0, handler);
        }
        if (local.inFlight() == 0) {
            return delivered + r.reap(minComplete - delivered, handler);
        }
        while (true) { // a local engine that cannot be woken, with both sides busy: poll both
            delivered += local.reap(0, handler) + r.reap(0, handler);
            if (delivered >= minComplete) {
                return delivered;
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Fixed buffers are the local engine's: remote operations copy through the socket anyway. */
    @Override
    public void registerBuffers(NativeBuffer region) throws IOException {
        local.registerBuffers(region);
    }

    @Override
    public boolean registerBuffers(java.util.List<NativeBuffer> regions) throws IOException {
        return local.registerBuffers(regions);
    }

    @Override
    public long fixedBufferOps() {
        return local.fixedBufferOps();
    }

    @Override
    public void wakeup() {
        local.wakeup();
        NbdEngine r = remote;
        if (r != null && !local.supportsWakeup()) {
            r.wakeup(); // the issuer may be blocked on the remote side instead
        }
    }

    @Override
    public boolean supportsWakeup() {
        return local.supportsWakeup();
    }

    @Override
    public void close() {
        NbdEngine r = remote;
        try {
            if (r != null) {
                r.close();
            }
        } finally {
            local.close();
        }
    }
}
