package io.uraid.io.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueueLimitsTest {

    @Test
    void theSmallerOfSectorsAndOnePagePerSegment() {
        assertEquals(512 * 1024, QueueLimits.maxUnsplitBytes("1280", "128")); // a loop device
        assertEquals(1280 * 1024, QueueLimits.maxUnsplitBytes("1280", "1024"));
        assertEquals(124 * 1024, QueueLimits.maxUnsplitBytes("126", "128"), "rounded down to whole pages");
        assertEquals(4096, QueueLimits.maxUnsplitBytes("4", "1"));
    }

    @Test
    void nonsenseLeavesTheSplittingToTheKernel() {
        assertEquals(QueueLimits.UNKNOWN, QueueLimits.maxUnsplitBytes("0", "128"));
        assertEquals(QueueLimits.UNKNOWN, QueueLimits.maxUnsplitBytes("2", "128"));
        assertEquals(1 << 30, QueueLimits.maxUnsplitBytes("4294967295", "4294967295"), "capped at 1 GiB");
    }

    @Test
    void devNumbersDecodeLikeGlibc() {
        assertEquals(7, QueueLimits.major(0x0700));
        assertEquals(0, QueueLimits.minor(0x0700));
        assertEquals(8, QueueLimits.major(0x0811));
        assertEquals(17, QueueLimits.minor(0x0811));
        // major 259, minor 300: glibc's makedev puts the low 8 bits of the minor in bits 0-7,
        // the major's low 12 bits in 8-19, the minor's next 12 bits in 20-31.
        long rdev = (300 & 0xff) | ((259L & 0xfff) << 8) | ((300L & ~0xffL) << 12);
        assertEquals(259, QueueLimits.major(rdev));
        assertEquals(300, QueueLimits.minor(rdev));
        long big = makedev(4100, 70000);
        assertEquals(4100, QueueLimits.major(big));
        assertEquals(70000, QueueLimits.minor(big));
    }

    /** glibc's gnu_dev_makedev, as the reference. */
    private static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    @Test
    void anUnknownDeviceNumberIsUnknown() {
        assertEquals(QueueLimits.UNKNOWN, QueueLimits.maxUnsplitBytes(makedev(4095, 1048575)));
    }
}
