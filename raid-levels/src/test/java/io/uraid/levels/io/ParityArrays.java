package io.uraid.levels.io;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import io.uraid.levels.parity.ParityLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A raid4/5/6 array over memory disks for the level's tests, with a byte-for-byte reference of
 * what was written and a parity check of the members that does not go through the array.
 */
final class ParityArrays implements AutoCloseable {
    static final long DATA_OFFSET = 1 << 20;

    final MemoryEngine memory;
    final IoEngine engine;
    final Path[] paths;
    final RaidArray array;
    final ParityLayout layout;
    final byte[] reference;
    private final NativeBuffer buf = NativeBuffer.allocate(4 << 20);

    ParityArrays(String name, int level, int layoutWord, int disks, int chunk, long memberBytes) throws Exception {
        this(name, level, layoutWord, disks, chunk, memberBytes, null);
    }

    /** {@code wrap}: an engine over the memory engine (faults), or null. */
    ParityArrays(String name, int level, int layoutWord, int disks, int chunk, long memberBytes,
                 java.util.function.Function<MemoryEngine, IoEngine> wrap) throws Exception {
        this(name, level, layoutWord, disks, chunk, memberBytes, wrap, ArrayOptions.DEFAULT);
    }

    /** With {@code options} (e.g. the stripe cache's size). */
    ParityArrays(String name, int level, int layoutWord, int disks, int chunk, long memberBytes,
                 java.util.function.Function<MemoryEngine, IoEngine> wrap, ArrayOptions options) throws Exception {
        this(name, level, layoutWord, disks, chunk, memberBytes, wrap, options, -1);
    }

    /**
     * With the member of {@code rebuildingRole} (-1: none) being rebuilt: it takes writes and
     * serves no reads (the disks start zero, so it holds the right bytes all along).
     */
    ParityArrays(String name, int level, int layoutWord, int disks, int chunk, long memberBytes,
                 java.util.function.Function<MemoryEngine, IoEngine> wrap, ArrayOptions options, int rebuildingRole)
            throws Exception {
        this(name, level, layoutWord, disks, chunk, memberBytes, wrap, options,
                (role, d) -> new Member(role, d, DATA_OFFSET, role == rebuildingRole ? MemberState.REBUILDING
                        : MemberState.IN_SYNC),
                a -> { });
    }

    /**
     * With the member {@code member} makes of each role's device (its state, a rebuild's
     * recovery offset), and {@code beforeStart} run before the array starts, every field set (a
     * log put in front of its writes, a rebuild to resume, the member disks prepared).
     */
    ParityArrays(String name, int level, int layoutWord, int disks, int chunk, long memberBytes,
                 java.util.function.Function<MemoryEngine, IoEngine> wrap, ArrayOptions options,
                 java.util.function.BiFunction<Integer, BlockDevice, Member> member,
                 java.util.function.Consumer<ParityArrays> beforeStart) throws Exception {
        memory = new MemoryEngine(256);
        paths = new Path[disks];
        for (int i = 0; i < disks; i++) {
            paths[i] = Path.of("/memory", name, "m" + i);
            memory.createDisk(paths[i], memberBytes);
        }
        engine = wrap == null ? memory : wrap.apply(memory);
        Member[] members = new Member[disks];
        for (int i = 0; i < disks; i++) {
            members[i] = member.apply(i, engine.open(paths[i], OpenOptions.DEFAULT));
        }
        Geometry g = Geometry.uniform(level, layoutWord, chunk, disks, memberBytes - DATA_OFFSET);
        array = new RaidArray(name, LevelRegistry.byMdLevel(level), g, members, engine, 256, options, null, 1);
        layout = ParityLayout.of(level, layoutWord, disks, chunk, memberBytes - DATA_OFFSET);
        reference = new byte[(int) array.size()];
        beforeStart.accept(this);
        array.start();
    }

    /** Writes random bytes at {@code at} through the array and into the reference. */
    void write(long at, int len, Random rnd) throws Exception {
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        buf.view().put(0, data);
        BlockingIo.write(array, at, len, buf.address(), 0);
        System.arraycopy(data, 0, reference, (int) at, len);
    }

    byte[] read(long at, int len) throws Exception {
        byte[] out = new byte[len];
        for (int done = 0; done < len; done += buf.capacity()) {
            int n = Math.min(buf.capacity(), len - done);
            BlockingIo.read(array, at + done, n, buf.address());
            buf.view().get(0, out, done, n);
        }
        return out;
    }

    /** Reads the members have completed, all of them together. */
    long memberReads() {
        return sumOverMembers(Member::reads);
    }

    /** Writes the members have completed, all of them together. */
    long memberWrites() {
        return sumOverMembers(Member::writes);
    }

    private long sumOverMembers(java.util.function.ToLongFunction<Member> count) {
        return array.callOnDispatcher(() -> {
            long sum = 0;
            for (Member m : array.members()) {
                sum += count.applyAsLong(m);
            }
            return sum;
        });
    }

    /** Random writes of 4 KiB up to three stripes, some aligned to chunks or stripes. */
    void randomWrites(int count, Random rnd) throws Exception {
        long stripe = layout.stripeBytes();
        for (int i = 0; i < count; i++) {
            int len;
            switch (rnd.nextInt(4)) {
                case 0 -> len = 4096 * (1 + rnd.nextInt(4));
                case 1 -> len = layout.chunkBytes() * (1 + rnd.nextInt(layout.dataDisks()));
                case 2 -> len = (int) stripe * (1 + rnd.nextInt(2));
                default -> len = 4096 * (1 + rnd.nextInt((int) (3 * stripe / 4096)));
            }
            len = (int) Math.min(len, array.size());
            long at = 4096L * rnd.nextInt((int) ((array.size() - len) / 4096) + 1);
            if (rnd.nextBoolean()) {
                at = at / stripe * stripe;
                len = (int) Math.min(len, array.size() - at);
            }
            write(at, len, rnd);
        }
    }

    /**
     * P (and Q) of every stripe on the members equal those computed from the members' data
     * (the parity kernels are checked against the kernel's own in ParityKernelOracleTest).
     */
    void assertParity() {
        MemoryDisk[] disks = new MemoryDisk[paths.length];
        for (int i = 0; i < paths.length; i++) {
            disks[i] = memory.disk(paths[i]);
        }
        long s = io.uraid.arrays.ParityRows.firstInconsistentStripe(disks, layout, DATA_OFFSET);
        if (s >= 0) {
            throw new AssertionError("stripe " + s + ": P (role " + layout.pRole(s) + ") or Q (role "
                    + layout.qRole(s) + ") differs from what its data gives");
        }
    }

    void assertReadsReference(String what) throws Exception {
        byte[] got = read(0, reference.length);
        if (!Arrays.equals(reference, got)) {
            int i = Arrays.mismatch(reference, got);
            throw new AssertionError(what + ": first differing array byte " + i + " (stripe "
                    + layout.stripeOf(i) + ", role " + layout.roleOf(i) + ")");
        }
    }

    @Override
    public void close() throws Exception {
        array.close();
        for (Member m : array.members()) {
            if (m.device() != null) {
                m.device().close();
            }
        }
        if (engine != memory) {
            engine.close();
        }
        memory.close();
        buf.close();
    }
}
