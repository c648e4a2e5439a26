package io.uraid.io.engines;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.io.BlockDevice;
import io.uraid.io.CompletionHandler;
import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.nativeio.LoopDevice;
import io.uraid.io.nativeio.TestDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the engine conformance tests share: every engine on every kind of target (a regular file
 * on the build directory's disk file system, not tmpfs; a loop device when root), opened and torn
 * down in the right order even when a test fails, plus small helpers to run operations and
 * collect completions.
 */
final class EngineHarness {
    /** Size of every scratch target: big enough for the stress run, small enough to be quick. */
    static final long SIZE = 16L << 20;

    /** A regular file; a loop device with 512-byte sectors; one with 4096-byte sectors. */
    enum Target { FILE, LOOP, LOOP_4K }

    private EngineHarness() {
    }

    /** Every (engine, target) pair; the parameterized tests skip the unavailable ones. */
    static Stream<Arguments> engineTargets() {
        List<Arguments> all = new ArrayList<>();
        for (EngineKind k : EngineKind.values()) {
            for (Target t : Target.values()) {
                all.add(Arguments.of(k, t));
            }
        }
        return all.stream();
    }

    /** Skips the calling test, saying why, when {@code kind} cannot run here. */
    static void assumeEngine(EngineKind kind) {
        String cause = IoEngines.unavailabilityCause(kind);
        assumeTrue(cause == null, () -> kind + " engine unavailable here: " + cause);
    }

    /** An engine, a scratch target and the device opened on it; {@link #close()} undoes all of it. */
    static final class Setup implements AutoCloseable {
        final EngineKind kind;
        final IoEngine engine;
        final BlockDevice dev;
        /** The regular file (FILE) or the loop device node (LOOP). */
        final Path path;
        /** The file holding the data (for LOOP, the loop device's backing file). */
        final Path backing;
        private final Path dir;
        private final LoopDevice loop;

        private Setup(EngineKind kind, IoEngine engine, BlockDevice dev, Path path, Path backing, Path dir,
                      LoopDevice loop) {
            this.kind = kind;
            this.engine = engine;
            this.dev = dev;
            this.path = path;
            this.backing = backing;
            this.dir = dir;
            this.loop = loop;
        }

        static Setup open(EngineKind kind, Target target, int entries) throws IOException {
            return open(kind, target, entries, OpenOptions.DEFAULT);
        }

        static Setup open(EngineKind kind, Target target, int entries, OpenOptions options) throws IOException {
            assumeEngine(kind);
            if (target != Target.FILE) {
                LoopDevice.assumeAvailable();
            }
            Path dir = TestDirs.create("engine-" + kind + "-" + target);
            Path backing = dir.resolve("backing.img");
            LoopDevice loop = null;
            IoEngine engine = null;
            try {
                try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
                    f.setLength(SIZE);
                }
                Path path = backing;
                if (target != Target.FILE) {
                    loop = LoopDevice.attach(backing, target == Target.LOOP_4K ? 4096 : 0);
                    path = loop.path();
                }
                // The engine kind itself, not the router IoEngines wraps it in (RoutingEngineTest covers that).
                engine = ((io.uraid.io.RoutingEngine) IoEngines.open(kind, entries)).local();
                BlockDevice dev = engine.open(path, options);
                return new Setup(kind, engine, dev, path, backing, dir, loop);
            } catch (IOException | RuntimeException | Error e) {
                closeQuietly(engine, loop, dir, e);
                throw e;
            }
        }

        /** Opens another device through this engine (closed by the caller). */
        BlockDevice reopen(OpenOptions options) throws IOException {
            return engine.open(path, options);
        }

        @Override
        public void close() throws IOException {
            Throwable first = null;
            try {
                dev.close();
            } catch (IOException | RuntimeException e) {
                first = e;
            }
            closeQuietly(engine, loop, dir, first);
            if (first instanceof IOException) {
                throw (IOException) first;
            }
            if (first != null) {
                throw (RuntimeException) first;
            }
        }

        private static void closeQuietly(IoEngine engine, LoopDevice loop, Path dir, Throwable primary) {
            try {
                if (engine != null) {
                    engine.close();
                }
            } catch (RuntimeException e) {
                addTo(primary, e);
            } finally {
                try {
                    if (loop != null) {
                        loop.close();
                    }
                } catch (IOException | RuntimeException e) {
                    addTo(primary, e);
                } finally {
                    TestDirs.delete(dir);
                }
            }
        }

        private static void addTo(Throwable primary, Throwable t) {
            if (primary != null && primary != t) {
                primary.addSuppressed(t);
            } else {
                throw new AssertionError("cleanup failed", t);
            }
        }
    }

    /** Completions in the order they were delivered. */
    static final class Completions implements CompletionHandler {
        final List<long[]> seen = new ArrayList<>();

        @Override
        public void onComplete(long userData, int result) {
            seen.add(new long[] {userData, result});
        }

        /** The result delivered for {@code userData} (fails if it never came or came twice). */
        int result(long userData) {
            Integer r = null;
            for (long[] c : seen) {
                if (c[0] == userData) {
                    assertTrue(r == null, "user_data " + userData + " completed twice");
                    r = (int) c[1];
                }
            }
            assertTrue(r != null, "user_data " + userData + " never completed");
            return r;
        }

        long[] userDataInOrder() {
            return seen.stream().mapToLong(c -> c[0]).toArray();
        }
    }

    /** Submits what is prepared and reaps until {@code n} more completions have arrived. */
    static Completions reap(IoEngine engine, int n) {
        Completions c = new Completions();
        engine.submit();
        while (c.seen.size() < n) {
            engine.reap(n - c.seen.size(), c);
        }
        return c;
    }

    /** Runs one prepared operation to completion and returns its result. */
    static int await(IoEngine engine, boolean prepared, long userData) {
        assertTrue(prepared, engine.name() + " refused one operation on an idle engine");
        return reap(engine, 1).result(userData);
    }

    static int read(IoEngine e, BlockDevice d, long off, long addr, int len) {
        return await(e, e.prepRead(d, off, addr, len, 7, 0), 7);
    }

    static int write(IoEngine e, BlockDevice d, long off, long addr, int len) {
        return await(e, e.prepWrite(d, off, addr, len, 8, 0), 8);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void put(NativeBuffer buf, int at, byte[] data) {
        ByteBuffer v = buf.view();
        v.position(at);
        v.put(data);
    }

    static byte[] get(NativeBuffer buf, int at, int length) {
        byte[] b = new byte[length];
        ByteBuffer v = buf.view();
        v.position(at);
        v.get(b);
        return b;
    }

    /** Bytes of the backing file read with plain Java I/O: an independent check of what was written. */
    static byte[] backingBytes(Path backing, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }
}
