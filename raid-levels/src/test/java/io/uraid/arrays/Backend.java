package io.uraid.arrays;

import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.IoEngine;
import io.uraid.io.nativeio.LoopDevice;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import io.uraid.io.testing.TestEngines;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Where array tests keep their members: in memory ({@link MemoryEngine}, fast, power cuts) or in
 * files through io_uring (real I/O; skipped where io_uring is unavailable). Each call of
 * {@link #engine()} gives a fresh engine over the same members, as a restart would.
 */
abstract class Backend implements AutoCloseable {
    final List<Path> paths = new ArrayList<>();

    static Backend of(String kind, String name, int count, long bytes) throws IOException {
        switch (kind) {
            case "memory":
                return new Memory(name, count, bytes);
            case "files":
                return new Files(name, count, bytes, false);
            case "loop":
                return new Files(name, count, bytes, true);
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    abstract IoEngine engine() throws IOException;

    /** The member's bytes as a reader sees them now. */
    abstract byte[] read(int member, long offset, int length) throws IOException;

    MdSuperblock superblock(int member) throws IOException {
        return MdSuperblock.decode(ByteBuffer.wrap(read(member, 4096, MdConstants.SUPERBLOCK_BYTES)));
    }

    @Override
    public void close() throws IOException {
    }

    static final class Memory extends Backend {
        final List<MemoryDisk> disks = new ArrayList<>();

        Memory(String name, int count, long bytes) {
            for (int i = 0; i < count; i++) {
                paths.add(Path.of("/memory", name, "member" + i));
                disks.add(new MemoryDisk(bytes));
            }
        }

        @Override
        IoEngine engine() {
            MemoryEngine e = new MemoryEngine(1024);
            for (int i = 0; i < paths.size(); i++) {
                e.attach(paths.get(i), disks.get(i));
            }
            return e;
        }

        @Override
        byte[] read(int member, long offset, int length) {
            return disks.get(member).bytes(offset, length);
        }
    }

    /** Member files, used as they are or through loop devices (root; detached on close). */
    static final class Files extends Backend {
        private final Members members;
        private final List<LoopDevice> loops = new ArrayList<>();

        Files(String name, int count, long bytes, boolean loop) throws IOException {
            TestEngines.best(); // the best engine this machine has; skips only when none works
            if (loop) {
                LoopDevice.assumeAvailable();
            }
            members = new Members(name, count, bytes);
            if (!loop) {
                paths.addAll(members.paths);
                return;
            }
            try {
                for (Path p : members.paths) {
                    LoopDevice d = LoopDevice.attach(p, 0);
                    loops.add(d);
                    paths.add(d.path());
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        IoEngine engine() throws IOException {
            return TestEngines.open(512);
        }

        @Override
        byte[] read(int member, long offset, int length) throws IOException {
            byte[] b = new byte[length];
            try (RandomAccessFile f = new RandomAccessFile(paths.get(member).toFile(), "r")) {
                f.seek(offset);
                f.readFully(b);
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (LoopDevice d : loops) {
                try {
                    d.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            members.close();
            if (first != null) {
                throw first;
            }
        }
    }
}
