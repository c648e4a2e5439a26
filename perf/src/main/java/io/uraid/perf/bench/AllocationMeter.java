package io.uraid.perf.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the software costs while a run is measured: garbage collections, and bytes allocated by
 * the I/O threads (bench jobs and the target's dispatcher, i.e. threads named "uraid-*"), read
 * from the JVM's per-thread allocation counters.
 */
public final class AllocationMeter {
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startBytes = new HashMap<>();
    private long startGcCount;
    private long startGcMillis;

    /** Takes the starting counters. */
    public void start() {
        startBytes.clear();
        long[] ids = ioThreads();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            startBytes.put(ids[i], bytes[i]);
        }
        startGcCount = gcCount();
        startGcMillis = gcMillis();
    }

    /** Bytes the I/O threads that were alive at {@link #start()} allocated since then. */
    public long allocatedBytes() {
        long[] ids = ioThreads();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            Long before = startBytes.get(ids[i]);
            if (before != null && bytes[i] >= before) {
                sum += bytes[i] - before;
            }
        }
        return sum;
    }

    public long gcCountSinceStart() {
        return gcCount() - startGcCount;
    }

    public long gcMillisSinceStart() {
        return gcMillis() - startGcMillis;
    }

    private long[] ioThreads() {
        long[] all = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(all);
        int n = 0;
        long[] ids = new long[all.length];
        for (ThreadInfo ti : infos) {
            if (ti != null && ti.getThreadName().startsWith("uraid-")) {
                ids[n++] = ti.getThreadId();
            }
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    /** Peak resident set size of this process in bytes (VmHWM), or -1 where /proc is missing. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
