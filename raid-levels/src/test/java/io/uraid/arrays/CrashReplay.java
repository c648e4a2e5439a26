package io.uraid.arrays;

import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.RecordingEngine.Entry;
import io.uraid.io.testing.RecordingEngine.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds member disks as a power cut at moment {@code t} could have left them, from the disks'
 * images before the recorded run and the recording engine's log. A write is durable once it
 * completed with FUA, or once an fsync of its device that was prepared after it completed has
 * completed itself. Every other write prepared by {@code t} may or may not have reached the
 * media; a {@link Policy} picks which did. Writes are applied in the order they were issued.
 */
final class CrashReplay {
    /** Which of the writes that are not yet durable landed anyway. */
    enum Policy {
        /** None: only what the devices promised. */
        NONE,
        /** All of them (dm-log-writes' replay of a prefix). */
        ALL,
        /** Only those on the first member: every mirror write in flight is torn. */
        FIRST_ONLY,
        /** Only those on members other than the first: torn the other way. */
        OTHERS_ONLY,
        /** Each with probability one half. */
        RANDOM
    }

    private final List<Entry> log;
    private final long[] durableAt;

    CrashReplay(List<Entry> log) {
        this.log = log;
        this.durableAt = new long[log.size()];
        for (int i = 0; i < log.size(); i++) {
            Entry e = log.get(i);
            long d = Long.MAX_VALUE;
            if (e.kind != Kind.FSYNC && e.completed != Long.MAX_VALUE && e.result >= 0) {
                if (e.fua) {
                    d = e.completed;
                }
                for (Entry f : log) {
                    if (f.kind == Kind.FSYNC && f.path.equals(e.path) && f.prepared > e.completed && f.result >= 0
                            && f.completed < d) {
                        d = f.completed;
                    }
                }
            }
            durableAt[i] = d;
        }
    }

    /** Applies, onto fresh copies of {@code base}, the writes a crash at {@code t} kept. */
    void build(Map<Path, MemoryDisk> disks, Path first, long t, Policy policy, long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < log.size(); i++) {
            Entry e = log.get(i);
            if (e.kind == Kind.FSYNC || e.prepared > t) {
                continue;
            }
            if (e.completed != Long.MAX_VALUE && e.result < 0) {
                continue; // failed: never reached the media
            }
            boolean landed = durableAt[i] <= t || switch (policy) {
                case NONE -> false;
                case ALL -> true;
                case FIRST_ONLY -> e.path.equals(first);
                case OTHERS_ONLY -> !e.path.equals(first);
                case RANDOM -> rnd.nextBoolean();
            };
            if (!landed) {
                continue;
            }
            MemoryDisk d = disks.get(e.path);
            if (e.kind == Kind.WRITE) {
                d.put(e.offset, e.data);
            } else {
                d.put(e.offset, new byte[(int) e.length]);
            }
        }
    }

    /** Moments worth crashing at: every completed fsync and FUA write, and {@code random} more. */
    long[] interestingMoments(int random, long seed) {
        long last = 0;
        java.util.TreeSet<Long> points = new java.util.TreeSet<>();
        for (Entry e : log) {
            if (e.completed != Long.MAX_VALUE) {
                last = Math.max(last, e.completed);
                if (e.kind == Kind.FSYNC || e.fua) {
                    points.add(e.completed);
                }
            }
            last = Math.max(last, e.prepared);
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < random; i++) {
            points.add(1 + (long) (rnd.nextDouble() * last));
        }
        return points.stream().mapToLong(Long::longValue).toArray();
    }
}
