package io.uraid.arrays;

import io.uraid.core.api.BlockTarget;
import io.uraid.core.array.RaidArray;
import io.uraid.io.NativeBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives an array with batches of concurrent writes (distinct blocks within a batch, some FUA)
 * and flushes, and records when each was submitted and acknowledged on the clock the
 * recording engine shares, so the crash checker knows what each moment promised.
 */
final class CrashWorkload {
    static final int BLOCK = 4096;

    /** An array write: data, when submitted, when acknowledged (MAX_VALUE: never). */
    record Write(long offset, byte[] data, boolean fua, long submitted, AtomicLong acked) {
        boolean covers(long block) {
            return offset <= block && block < offset + data.length;
        }
    }

    /** An array flush: when issued and when it completed. */
    record Flush(long started, AtomicLong done) {
    }

    final List<Write> writes = new ArrayList<>();
    final List<Flush> flushes = new ArrayList<>();
    private final AtomicLong clock;

    CrashWorkload(AtomicLong clock) {
        this.clock = clock;
    }

    void run(RaidArray array, long area, int rounds, long seed) throws Exception {
        Random rnd = new Random(seed);
        long blocks = area / BLOCK;
        try (NativeBuffer buf = NativeBuffer.allocate(8 * 8 * BLOCK)) {
            for (int round = 0; round < rounds; round++) {
                int n = 1 + rnd.nextInt(6);
                CountDownLatch done = new CountDownLatch(n);
                List<long[]> taken = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int len = (1 + rnd.nextInt(8)) * BLOCK;
                    long start = distinctStart(rnd, blocks, len / BLOCK, taken) * BLOCK;
                    byte[] data = Redundant.pattern(start, len, round * 16 + i + 1);
                    long addr = buf.address() + (long) i * 8 * BLOCK;
                    buf.view(i * 8 * BLOCK, len).put(data);
                    boolean fua = rnd.nextInt(5) == 0;
                    Write w = new Write(start, data, fua, clock.incrementAndGet(), new AtomicLong(Long.MAX_VALUE));
                    synchronized (this) {
                        writes.add(w);
                    }
                    array.write(start, len, addr, fua ? BlockTarget.FUA : 0, (tag, r) -> {
                        if (r >= 0) {
                            w.acked().set(clock.incrementAndGet());
                        }
                        done.countDown();
                    }, i);
                }
                if (!done.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("writes did not complete");
                }
                if (rnd.nextInt(3) == 0) {
                    flush(array);
                }
                if (rnd.nextInt(4) == 0) {
                    Thread.sleep(2); // lets the bitmap's clear passes run between rounds
                }
            }
            flush(array);
        }
    }

    private void flush(RaidArray array) throws InterruptedException {
        Flush f = new Flush(clock.incrementAndGet(), new AtomicLong(Long.MAX_VALUE));
        synchronized (this) {
            flushes.add(f);
        }
        CountDownLatch done = new CountDownLatch(1);
        array.flush((tag, r) -> {
            if (r >= 0) {
                f.done().set(clock.incrementAndGet());
            }
            done.countDown();
        }, 0);
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("flush did not complete");
        }
    }

    private static long distinctStart(Random rnd, long blocks, int len, List<long[]> taken) {
        while (true) {
            long s = rnd.nextInt((int) (blocks - len));
            boolean clash = false;
            for (long[] t : taken) {
                clash |= s < t[1] && t[0] < s + len;
            }
            if (!clash) {
                taken.add(new long[] {s, s + len});
                return s;
            }
        }
    }

    /**
     * The versions block {@code block} may hold after a crash at {@code t}: the last write the
     * array promised durable by then (acknowledged before a flush that completed, or FUA and
     * acknowledged), or any write to it submitted after that one. {@code null} in the list
     * stands for the block's initial zeroes.
     */
    List<byte[]> allowed(long block, long t) {
        long barrier = Long.MIN_VALUE;
        for (Flush f : flushes) {
            if (f.done().get() <= t) {
                barrier = Math.max(barrier, f.started());
            }
        }
        int promised = -1;
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            long ack = w.acked().get();
            if (w.covers(block) && (ack < barrier || (w.fua() && ack <= t))) {
                promised = i;
            }
        }
        List<byte[]> out = new ArrayList<>();
        if (promised < 0) {
            out.add(null);
        }
        for (int i = Math.max(0, promised); i < writes.size(); i++) {
            Write w = writes.get(i);
            if (w.covers(block) && w.submitted() <= t) {
                byte[] b = new byte[BLOCK];
                System.arraycopy(w.data(), (int) (block - w.offset()), b, 0, BLOCK);
                out.add(b);
            }
        }
        return out;
    }
}
