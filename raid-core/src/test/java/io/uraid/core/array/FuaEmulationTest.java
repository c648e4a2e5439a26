package io.uraid.core.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.BlockingIo;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.core.fixture.TwinLevel;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.ForwardingEngine;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

/**
 * FUA where the members cannot take it with the write: a FUA write goes out as a plain write and
 * an fdatasync of the member, linked (one submission, the kernel runs the flush after the write)
 * or in phases (the flush is issued once the write completed); either way the bytes are durable
 * on every copy when the request completes. Without emulation the write itself carries FUA.
 */
@Timeout(30)
class FuaEmulationTest {

    /** Records each prepared operation as "kind device flags". */
    static final class Recorder extends ForwardingEngine {
        final List<String> ops = new ArrayList<>();

        Recorder(IoEngine inner) {
            super(inner);
        }

        @Override
        public boolean prepWrite(BlockDevice d, long offset, long address, int length, long userData, int flags) {
            ops.add("write " + d.path().getFileName() + " " + flags);
            return super.prepWrite(d, offset, address, length, userData, flags);
        }

        @Override
        public boolean prepFsync(BlockDevice d, boolean dataOnly, long userData, int flags) {
            ops.add("fsync " + d.path().getFileName() + " " + flags);
            return super.prepFsync(d, dataOnly, userData, flags);
        }

        @Override
        public int submit() {
            ops.add("submit");
            return super.submit();
        }
    }

    @ParameterizedTest(name = "emulated {0}, {1}")
    @CsvSource({"true,LINKED", "true,PHASED", "false,LINKED"})
    void aFuaWriteIsDurableOnEveryCopyWhenItCompletes(boolean emulate, ArrayOptions.Ordering ordering)
            throws Exception {
        Path[] paths = {FixtureArrays.disk("fua", 0), FixtureArrays.disk("fua", 1)};
        MemoryEngine memory = FixtureArrays.memoryDisks("fua", 2, 4L << 20, 64);
        memory.disk(paths[0]).writeCache(true); // a plain write is lost at a power cut until flushed
        memory.disk(paths[1]).writeCache(true);
        Recorder engine = new Recorder(memory);
        RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, 64 * 1024, engine, paths, 4L << 20,
                FixtureArrays.inSync(2), 64, ArrayOptions.DEFAULT.withEmulatedFua(emulate).withOrdering(ordering), null);
        try (NativeBuffer buf = NativeBuffer.allocate(4096)) {
            array.start();
            byte[] data = new byte[4096];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 13 + 5);
            }
            buf.view().put(data);
            synchronized (engine) {
                engine.ops.clear();
            }
            BlockingIo.write(array, 8192, 4096, buf.address(), BlockTarget.FUA);
            for (Path p : paths) {
                assertArrayEquals(data, memory.disk(p).durableBytes(FixtureArrays.DATA_OFFSET + 8192, 4096),
                        "durable on " + p + " when the write completed");
            }
            List<String> ops = List.copyOf(engine.ops);
            List<String> mine = ops.stream().filter(o -> !o.equals("submit")).toList();
            if (!emulate) {
                assertEquals(List.of("write m0 " + IoEngine.FUA, "write m1 " + IoEngine.FUA), mine, ops.toString());
            } else if (ordering == ArrayOptions.Ordering.LINKED) {
                assertEquals(List.of("write m0 " + IoEngine.LINK, "fsync m0 0", "write m1 " + IoEngine.LINK,
                        "fsync m1 0"), mine, "each write chained to its member's flush: " + ops);
            } else {
                assertEquals(List.of("write m0 0", "write m1 0", "fsync m0 0", "fsync m1 0"), mine, ops.toString());
                assertTrue(ops.indexOf("fsync m0 0") > ops.indexOf("submit"), "flushes issued after the writes ran");
            }
        } finally {
            array.close();
            for (Member m : array.members()) {
                m.device().close();
            }
            engine.close();
        }
    }
}
