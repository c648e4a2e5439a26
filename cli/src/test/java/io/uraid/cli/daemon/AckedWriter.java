package io.uraid.cli.daemon;

import io.uraid.daemon.nbd.NbdClient;
import io.uraid.io.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client that knows exactly what the server promised: it writes self-describing 4 KiB blocks
 * (sequence number, block number, then bytes derived from both) at random into a region of an
 * NBD export, never two writes to one block at once, with a flush every {@link #FLUSH_EVERY}
 * writes, and records per block the newest write acknowledged and the newest write acknowledged
 * before a flush that completed. It runs until the connection breaks (the server was killed).
 */
public final class AckedWriter implements Runnable {
    public static final int BLOCK = 4096;
    static final int FLUSH_EVERY = 16;
    private static final int DEPTH = 8;
    private static final long NONE = -1;

    private final NbdClient client;
    private final long base;
    private final int blocks;
    private final long firstSeq;
    private final long[] acked;
    private long[] durable;
    private long durableFlush = -1;
    private final boolean[] busy;
    private volatile boolean broken;
    private volatile long flushesDone;
    private volatile long writesAcked;

    /** Sequence numbers start at {@code firstSeq}, so later runs always write higher numbers. */
    public AckedWriter(NbdClient client, long base, int blocks, long firstSeq) {
        this.client = client;
        this.base = base;
        this.blocks = blocks;
        this.firstSeq = firstSeq;
        this.acked = new long[blocks];
        this.durable = new long[blocks];
        this.busy = new boolean[blocks];
        Arrays.fill(acked, NONE);
        Arrays.fill(durable, NONE);
    }

    public long flushesDone() {
        return flushesDone;
    }

    public long writesAcked() {
        return writesAcked;
    }

    /** Per block: the newest write acknowledged (-1: none). Call after the writer has stopped. */
    public synchronized long[] acked() {
        return acked.clone();
    }

    /** Per block: the newest write acknowledged before a completed flush (-1: none). */
    public synchronized long[] durable() {
        return durable.clone();
    }

    @Override
    public void run() {
        ArrayBlockingQueue<NativeBuffer> buffers = new ArrayBlockingQueue<>(DEPTH);
        for (int i = 0; i < DEPTH; i++) {
            buffers.add(NativeBuffer.allocate(BLOCK));
        }
        SplittableRandom rnd = new SplittableRandom(firstSeq);
        long seq = firstSeq;
        try {
            while (!broken) {
                NativeBuffer buf = buffers.poll(1, TimeUnit.SECONDS);
                if (buf == null) {
                    continue;
                }
                int block = claimFreeBlock(rnd);
                fill(buf.view(), seq, block);
                long s = seq++;
                client.write(base + (long) block * BLOCK, BLOCK, buf.address(), 0, (tag, result) -> {
                    synchronized (this) {
                        busy[block] = false;
                        if (result == 0) {
                            acked[block] = Math.max(acked[block], s);
                            writesAcked++;
                        } else {
                            broken = true;
                        }
                    }
                    buffers.add(buf);
                }, s);
                if ((s - firstSeq) % FLUSH_EVERY == FLUSH_EVERY - 1) {
                    flush(s);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The buffers stay allocated: a broken connection may not have let go of them (tests only).
    }

    private void flush(long id) {
        long[] snapshot;
        synchronized (this) {
            snapshot = acked.clone(); // what was acknowledged before the flush was sent
        }
        client.flush((tag, result) -> {
            synchronized (this) {
                if (result != 0) {
                    broken = true;
                } else if (id > durableFlush) {
                    durableFlush = id;
                    durable = snapshot;
                    flushesDone++;
                }
            }
        }, id);
    }

    private synchronized int claimFreeBlock(SplittableRandom rnd) {
        int b = rnd.nextInt(blocks);
        while (busy[b]) {
            b = (b + 1) % blocks;
        }
        busy[b] = true;
        return b;
    }

    /** The bytes of write {@code seq} to {@code block}. */
    static void fill(ByteBuffer b, long seq, int block) {
        b.clear().order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(seq).putLong(block);
        SplittableRandom r = new SplittableRandom(seq * 0x9E3779B97F4A7C15L + block);
        while (b.hasRemaining()) {
            b.putLong(r.nextLong());
        }
    }

    /**
     * The sequence number of the write whose bytes {@code block} holds, -1 for a never-written
     * (zero) block; throws when the bytes are no whole write of ours to this block.
     */
    public static long identify(ByteBuffer data, int block) {
        ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long seq = d.getLong(0);
        if (seq == 0 && d.getLong(8) == 0 && isZero(d)) {
            return NONE;
        }
        ByteBuffer expected = ByteBuffer.allocate(BLOCK);
        fill(expected, seq, block);
        if (!expected.flip().equals(d.clear().limit(BLOCK))) {
            throw new AssertionError("block " + block + " holds no whole write of ours (header seq " + seq
                    + ", block " + d.getLong(8) + ")");
        }
        return seq;
    }

    private static boolean isZero(ByteBuffer d) {
        for (int i = 0; i < BLOCK; i += 8) {
            if (d.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads the region back through a fresh connection: the sequence number each block holds. */
    static long[] readBack(String uri, long base, int blocks) throws Exception {
        long[] seqs = new long[blocks];
        int chunk = 256;
        try (NbdClient c = NbdClient.connect(uri); NativeBuffer buf = NativeBuffer.allocate(chunk * BLOCK)) {
            for (int first = 0; first < blocks; first += chunk) {
                int n = Math.min(chunk, blocks - first);
                CompletableFuture<Integer> done = new CompletableFuture<>();
                c.read(base + (long) first * BLOCK, n * BLOCK, buf.address(), (tag, r) -> done.complete(r), 0);
                int r = done.get(30, TimeUnit.SECONDS);
                if (r != 0) {
                    throw new AssertionError("read of block " + first + " failed: " + r);
                }
                for (int i = 0; i < n; i++) {
                    seqs[first + i] = identify(buf.view(i * BLOCK, BLOCK), first + i);
                }
            }
        }
        return seqs;
    }
}
