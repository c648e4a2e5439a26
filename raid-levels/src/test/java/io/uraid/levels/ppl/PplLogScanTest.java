package io.uraid.levels.ppl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.uraid.core.sb.PplHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk md makes over a member's log area to find its newest log write. */
class PplLogScanTest {
    @TempDir
    Path dir;

    private static byte[] unit(int signature, long generation, int ppBlocks) {
        List<PplHeader.Entry> entries = ppBlocks == 0 ? List.of()
                : List.of(new PplHeader.Entry(0, ppBlocks * 4096, ppBlocks * 4096, 0, 0));
        byte[] h = new PplHeader(signature, generation, entries).encode();
        return java.util.Arrays.copyOf(h, h.length + ppBlocks * 4096);
    }

    private long scan(Raid5Images img, int signature) throws IOException {
        PplLogScan.Newest n = PplLogScan.newest(img.io(), 0, img.area, signature);
        return n == null ? -1 : n.header().generation() * 1_000_000 + n.offset();
    }

    @Test
    void theWalkFollowsGrowingGenerationsAndStopsAtTheFirstOlderOne() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 3, 2, 16384, 4, 1)) {
            int sig = img.signature;
            long start = img.area.start();
            img.put(0, start, unit(sig, 7, 2));
            img.put(0, start + 3 * 4096, unit(sig, 8, 0));
            img.put(0, start + 4 * 4096, unit(sig, 8, 1)); // the same generation does not stop the walk
            img.put(0, start + 6 * 4096, unit(sig, 3, 0)); // an older log write from before a rewind
            assertEquals(8_000_000 + 4 * 4096, scan(img, sig));
        }
    }

    @Test
    void aWrongChecksumOrSignatureEndsTheWalkAtTheHeaderBefore() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 3, 2, 16384, 4, 2)) {
            int sig = img.signature;
            long start = img.area.start();
            img.put(0, start, unit(sig, 1, 1));
            byte[] bad = unit(sig, 2, 0);
            bad[700] ^= 1;
            img.put(0, start + 2 * 4096, bad);
            assertEquals(1_000_000, scan(img, sig));
            img.put(0, start + 2 * 4096, unit(sig + 1, 2, 0));
            assertEquals(1_000_000, scan(img, sig), "another array's signature");
        }
    }

    @Test
    void noValidFirstHeaderMeansNoLog() throws IOException {
        try (Raid5Images img = Raid5Images.create(dir, 3, 2, 16384, 4, 3)) {
            assertEquals(0, scan(img, img.signature), "md's empty header: generation 0 at the start");
            assertNull(PplLogScan.newest(img.io(), 0, img.area, img.signature ^ 1));
        }
    }
}
