package io.uraid.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.spi.Layout;
import org.junit.jupiter.api.Test;

/** The array prefix to member offset arithmetic of md's recovery_offset, on a 64 GiB raid10 n2 over four disks. */
class RecoveryCheckpointTest {
    private static final long CHUNK = 64 * 1024;
    private static final long SIZE = 64L << 30;

    /** md raid10 near-2 over four disks: copies of chunk i in slots 2i and 2i+1, slot s on disk s % 4, row s / 4. */
    private static final Layout NEAR2_OF_4 = new Layout() {
        @Override
        public long arraySize() {
            return SIZE;
        }

        @Override
        public int raidDisks() {
            return 4;
        }

        @Override
        public int copies() {
            return 2;
        }

        @Override
        public long bytesToBoundary(long at) {
            return CHUNK - at % CHUNK;
        }

        @Override
        public int member(long at, int copy) {
            return (int) ((at / CHUNK * 2 + copy) % 4);
        }

        @Override
        public long memberOffset(long at, int copy) {
            return (at / CHUNK * 2 + copy) / 4 * CHUNK + at % CHUNK;
        }
    };

    private static RecoveryCheckpoint rebuilding(int role, long from) {
        RecoveryCheckpoint cp = new RecoveryCheckpoint(NEAR2_OF_4);
        cp.start(new RecoverTarget(role, 4, false, null), from, 0);
        return cp;
    }

    @Test
    void memberOffsetFollowsThePrefixOnARoleHoldingOnlySecondCopies() {
        RecoveryCheckpoint cp = rebuilding(1, 0);
        long p = 10L << 30; // chunk index even: its second copy is on role 1, row p / CHUNK / 2
        assertEquals(p / 2, cp.memberOffset(p));
        assertEquals(p / 2 + 100, cp.memberOffset(p + 100), "inside the chunk the prefix is in");
        assertEquals(p / 2 + CHUNK, cp.memberOffset(p + CHUNK + 100), "chunk on roles 2 and 3: up to the next row");
        assertEquals(0, cp.memberOffset(0));
    }

    @Test
    void memberOffsetOnARoleHoldingFirstCopies() {
        RecoveryCheckpoint cp = rebuilding(2, 0);
        long p = (10L << 30) + CHUNK; // odd chunk: copies on roles 2 and 3, row (2i) / 4
        assertEquals(p / CHUNK / 2 * CHUNK, cp.memberOffset(p));
        assertEquals(p / CHUNK / 2 * CHUNK + 5, cp.memberOffset(p + 5));
    }

    @Test
    void skipsOnlyWindowsWhollyBelowTheResumePoint() {
        long resume = 1L << 30; // member bytes of role 1 below 1 GiB are rebuilt
        RecoveryCheckpoint cp = rebuilding(1, resume);
        RecoverTarget t = new RecoverTarget(1, 4, false, null);
        long last = 2 * resume - 2 * CHUNK; // the last even chunk whose row lies below the resume point
        assertTrue(cp.alreadyRebuilt(t, last, last + CHUNK));
        assertFalse(cp.alreadyRebuilt(t, last + 2 * CHUNK, last + 3 * CHUNK), "its row starts at the resume point");
        assertFalse(cp.alreadyRebuilt(t, last + CHUNK, last + 2 * CHUNK), "role 1 holds no copy: read as usual");
        assertEquals(resume, cp.memberOffset(0), "a checkpoint never goes back below where it resumed");
    }
}
