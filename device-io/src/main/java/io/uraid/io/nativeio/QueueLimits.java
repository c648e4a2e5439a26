package io.uraid.io.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest transfer a block device takes without the kernel splitting it, from its request
 * queue's limits in sysfs. It matters to io_uring: a direct write the block layer must split
 * cannot be issued without blocking, so the ring hands it to a worker thread, which pins the
 * pages a second time. Legs no longer than this go out inline.
 */
public final class QueueLimits {
    /** No limit known (not a block device, or sysfs unreadable). */
    public static final int UNKNOWN = Integer.MAX_VALUE;
    private static final int PAGE = 4096;

    private QueueLimits() {
    }

    /** For the block device numbered {@code rdev} (fstat's st_rdev); {@link #UNKNOWN} when sysfs does not say. */
    public static int maxUnsplitBytes(long rdev) {
        Path dev = Path.of("/sys/dev/block", major(rdev) + ":" + minor(rdev));
        Path queue = dev.resolve("queue");
        if (!Files.isDirectory(queue)) {
            queue = dev.resolve("../queue"); // a partition: its disk's queue
        }
        try {
            return maxUnsplitBytes(Files.readString(queue.resolve("max_sectors_kb")).trim(),
                    Files.readString(queue.resolve("max_segments")).trim());
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * The smaller of max_sectors_kb and max_segments pages (every page of a buffer can be a
     * segment of its own when its pages are not contiguous), in whole pages.
     */
    static int maxUnsplitBytes(String maxSectorsKb, String maxSegments) {
        long bySectors = Long.parseLong(maxSectorsKb) * 1024;
        long bySegments = Long.parseLong(maxSegments) * PAGE;
        long bytes = Math.min(bySectors, bySegments) / PAGE * PAGE;
        if (bytes < PAGE) {
            return UNKNOWN; // nonsense: leave the splitting to the kernel
        }
        return (int) Math.min(bytes, 1 << 30);
    }

    /** Linux's dev_t encoding (glibc's gnu_dev_major/minor). */
    static long major(long rdev) {
        return ((rdev & 0xfff00L) >>> 8) | ((rdev & 0xfffff00000000000L) >>> 32);
    }

    static long minor(long rdev) {
        return (rdev & 0xffL) | ((rdev & 0xffffff00000L) >>> 12);
    }
}
