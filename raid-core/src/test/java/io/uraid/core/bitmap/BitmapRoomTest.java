package io.uraid.core.bitmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.ArrayOptions;
import io.uraid.core.array.Member;
import io.uraid.core.array.RaidArray;
import io.uraid.core.fixture.FixtureArrays;
import io.uraid.io.testing.SqueezeEngine;
import io.uraid.core.fixture.TwinLevel;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bitmap update goes to every working member or waits until it can: when the engine has no
 * room for the area writes at the moment the flush before a clear completes, the writes wait for
 * room instead of being skipped (a skipped member kept a stale area while the bitmap believed
 * the update durable everywhere).
 */
@Timeout(30)
class BitmapRoomTest {
    private static final long AREA = 8192;
    private static final int CHUNK = 64 * 1024;

    @Test
    void clearWrittenToEveryMemberWhenTheEngineIsFullAfterTheFlush() throws Exception {
        Path[] paths = {FixtureArrays.disk("bmroom", 0), FixtureArrays.disk("bmroom", 1)};
        MemoryEngine memory = FixtureArrays.memoryDisks("bmroom", 2, 4L << 20, 64);
        SqueezeEngine engine = new SqueezeEngine(memory);
        RaidArray array = FixtureArrays.array(TwinLevel.INSTANCE, CHUNK, engine, paths, 4L << 20,
                FixtureArrays.inSync(2), 64, ArrayOptions.DEFAULT, null);
        BitmapSuperblock header = BitmapSuperblock.builder().uuid(new byte[16]).chunkSize(CHUNK)
                .syncSize(array.size() / 512).daemonSleep(5).build();
        WriteIntentBitmap bitmap = new WriteIntentBitmap(header, AREA, BitmapImage.clean(header), 4096, 200_000_000);
        array.addTask(bitmap);
        array.addGate(bitmap);
        try (NativeBuffer buf = NativeBuffer.allocate(4096)) {
            array.start();
            BlockingIo.write(array, 0, 4096, buf.address(), 0);
            assertTrue(firstBitSet(memory.disk(paths[0])) && firstBitSet(memory.disk(paths[1])),
                    "the chunk's bit is on both members before the write");
            engine.squeezeInReap(1); // the area writes after the clear's flush find the engine full
            long until = System.nanoTime() + 10_000_000_000L;
            while ((bitmap.dirtyOnDisk() > 0 || firstBitSet(memory.disk(paths[0]))
                    || firstBitSet(memory.disk(paths[1]))) && System.nanoTime() < until) {
                Thread.sleep(2);
            }
            assertEquals(0, bitmap.dirtyOnDisk(), "the chunk was cleared");
            assertEquals(1, engine.squeezed(), "the area writes met a full engine");
            assertEquals(false, firstBitSet(memory.disk(paths[0])), "member 0's area says clear");
            assertEquals(false, firstBitSet(memory.disk(paths[1])), "member 1's area says clear");
        } finally {
            array.close();
            for (Member m : array.members()) {
                m.device().close();
            }
            bitmap.free();
            engine.close();
        }
    }

    private static boolean firstBitSet(MemoryDisk disk) {
        return (disk.bytes(AREA + BitmapSuperblock.BYTES, 1)[0] & 1) != 0;
    }
}
