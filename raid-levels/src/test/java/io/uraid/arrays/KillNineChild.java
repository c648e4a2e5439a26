package io.uraid.arrays;

import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.IoEngines;
import io.uraid.io.NativeBuffer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link KillNineTest} kills: assembles the array on the member files given and
 * writes until killed, printing every event before or after it happens (never claiming more
 * than happened): "W seq offset length" before a write is submitted, "A seq" after it was
 * acknowledged, "F seq" after a flush issued once writes up to seq were acknowledged completed.
 * Every line ends in " ." so the reader can tell a whole line from one the kill cut short.
 * Write data is {@link Redundant#pattern} of (offset, seq).
 */
public final class KillNineChild {
    private KillNineChild() {
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int firstSeq = Integer.parseInt(args[1]);
        long area = Long.parseLong(args[2]);
        // Unbuffered file, autoflush: every record is one write(2) that a SIGKILL cannot take back.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(args[3]), true, "ISO-8859-1");
        List<Path> members = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            members.add(Path.of(args[i]));
        }
        AssembleOptions o = AssembleOptions.DEFAULT.withRun(true)
                .withRedundancy(RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(20));
        OpenArray open = Assembler.assemble(members, o, IoEngines.openBest(256));
        RaidArray array = open.array();
        out.println("READY");
        Random rnd = new Random(seed);
        int seq = firstSeq;
        try (NativeBuffer buf = NativeBuffer.allocate(8 * 65536)) {
            while (true) { // until killed
                int n = 1 + rnd.nextInt(8);
                CountDownLatch done = new CountDownLatch(n);
                List<long[]> taken = new ArrayList<>();
                int last = seq;
                for (int i = 0; i < n; i++) {
                    int len = (1 + rnd.nextInt(16)) * 4096;
                    long start;
                    do {
                        start = (long) rnd.nextInt((int) ((area - len) / 4096)) * 4096;
                    } while (overlaps(taken, start, len));
                    taken.add(new long[] {start, start + len});
                    int s = ++seq;
                    last = s;
                    out.println("W " + s + " " + start + " " + len + " .");
                    buf.view(i * 65536, len).put(Redundant.pattern(start, len, s));
                    array.write(start, len, buf.address() + i * 65536L, 0, (tag, r) -> {
                        if (r >= 0) {
                            out.println("A " + s + " .");
                        }
                        done.countDown();
                    }, i);
                }
                done.await(30, TimeUnit.SECONDS);
                if (rnd.nextInt(3) == 0) {
                    int upTo = last;
                    CountDownLatch f = new CountDownLatch(1);
                    array.flush((tag, r) -> {
                        if (r >= 0) {
                            out.println("F " + upTo + " .");
                        }
                        f.countDown();
                    }, 0);
                    f.await(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static boolean overlaps(List<long[]> taken, long start, int len) {
        for (long[] t : taken) {
            if (start < t[1] && t[0] < start + len) {
                return true;
            }
        }
        return false;
    }
}
