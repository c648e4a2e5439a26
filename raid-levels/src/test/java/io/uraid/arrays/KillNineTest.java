package io.uraid.arrays;

import static io.uraid.arrays.Redundant.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.assembly.CreateSpec.BitmapMode;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.Layout;
import io.uraid.core.sync.SyncAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ZFS zloop style: a child process runs the array under write load and is killed with SIGKILL
 * at a random moment; the array is then assembled again (a resync evens out what the kill left
 * half done) and checked: every write acknowledged before a completed flush reads back intact,
 * every block holds one whole version written to it, and the mirrors agree. A bounded number
 * of rounds on the same members.
 */
@Timeout(300)
class KillNineTest {
    private static final long AREA = 8L * MIB;
    private static final int BLOCK = 4096;
    private static final int ROUNDS = 4;

    /** A write the child announced. */
    /** One record of the child's log: "W seq offset length .", "A seq ." or "F seq .". */
    private static final java.util.regex.Pattern RECORD =
            java.util.regex.Pattern.compile("[WAF] \\d+( \\d+ \\d+)? \\.$");

    private record Write(int seq, long offset, int length) {
    }

    @Test
    void killedArrayProcessLosesNoPromisedWrite() throws Exception {
        ArrayEndToEndTest.engine().close(); // skips without io_uring
        try (Members files = new Members("kill9", 2, 34L * MIB)) {
            Redundant.create(files, "raid1", 2, BitmapMode.INTERNAL, MIB);
            Map<Long, byte[]> baseline = new HashMap<>(); // block -> content now (absent: zeroes)
            Random rnd = new Random(9);
            int seq = 0;
            int checkedWrites = 0;
            int resyncs = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<String> lines = runAndKill(files.paths, round, seq, 300 + rnd.nextInt(600));
                Map<Integer, Write> writes = new HashMap<>();
                Set<Integer> acked = new HashSet<>();
                int promisedUpTo = 0;
                for (String l : lines) {
                    // A record is the end of a whole line; anything before it on the same line is
                    // text the JVM wrote to stdout without a newline of its own (seen: records lost
                    // behind such a prefix). The last line may be cut short by the kill.
                    java.util.regex.Matcher m = RECORD.matcher(l);
                    if (!m.find()) {
                        continue; // READY, or the last line, cut short by the kill
                    }
                    if (m.start() > 0) {
                        System.out.println("kill -9 round " + round + ": text before a record: "
                                + l.substring(0, m.start()));
                    }
                    String[] f = m.group().split(" ");
                    switch (f[0]) {
                        case "W" -> writes.put(Integer.parseInt(f[1]),
                                new Write(Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3])));
                        case "A" -> acked.add(Integer.parseInt(f[1]));
                        case "F" -> promisedUpTo = Math.max(promisedUpTo, Integer.parseInt(f[1]));
                        default -> { }
                    }
                }
                assertTrue(!writes.isEmpty(), "round " + round + ": the child wrote nothing before it was killed");
                Layout layout;
                long dataOffset;
                try (OpenArray open = Redundant.assemble(files.paths, 60_000)) {
                    layout = open.array().layout();
                    dataOffset = open.member(0).dataOffset();
                    assertEquals(2, open.array().workingCount());
                    assertTrue(open.redundancy().awaitSyncIdle(60_000));
                    if (open.redundancy().syncStatus().lastAction() == SyncAction.RESYNC) {
                        resyncs++; // bits were set at the kill (else every chunk was idle and clean)
                    }
                    byte[] got = Redundant.read(open.array(), 0, (int) AREA);
                    checkedWrites += verify(got, writes, acked, promisedUpTo, baseline, round);
                }
                assertEquals(0, Redundant.differingBytes(files.paths, layout, dataOffset),
                        "round " + round + ": mirrors agree after the resync");
                seq = writes.keySet().stream().mapToInt(Integer::intValue).max().orElse(seq) + 1000;
            }
            System.out.println("kill -9 rounds: " + ROUNDS + ", resyncs after the kill: " + resyncs
                    + ", promised writes checked: " + checkedWrites + ", losses 0");
        }
    }

    private static List<String> runAndKill(List<Path> members, int round, int firstSeq, long runMillis)
            throws Exception {
        // The child logs to a file, not a pipe: whatever write(2) put in a file survives SIGKILL
        // and is read whole afterwards (a pipe's last lines raced the JDK's process reaper).
        Path log = members.get(0).resolveSibling("kill9-round" + round + ".log");
        Files.deleteIfExists(log);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KillNineChild.class.getName(),
                Long.toString(100 + round), Integer.toString(firstSeq), Long.toString(AREA), log.toString()));
        members.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!isReady(log) && System.nanoTime() < until && p.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the child died by itself (exit " + (p.isAlive() ? "" : p.exitValue()) + ")");
        Thread.sleep(runMillis);
        p.destroyForcibly(); // SIGKILL: no orderly stop, nothing flushed by the process
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit within 60 s");
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    }

    private static boolean isReady(Path log) throws java.io.IOException {
        return Files.exists(log) && Files.readAllLines(log, StandardCharsets.ISO_8859_1).contains("READY");
    }

    /** Which write's pattern {@code b} (at array offset {@code block}) holds, as far as its first word says. */
    private static String describe(byte[] b, long block) {
        long v = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (v == 0 && Arrays.equals(b, new byte[BLOCK])) {
            return "zeroes";
        }
        long seed = (v - block * 31) / 1_000_003L;
        boolean whole = Arrays.equals(b, Redundant.pattern(block, BLOCK, (int) seed));
        return "write " + seed + (whole ? "" : " (torn or foreign)");
    }

    /** The logged write whose pattern {@code b} carries (for failure messages), or "none logged". */
    private static String writeOf(byte[] b, long block, Map<Integer, Write> writes) {
        long v = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        Write w = writes.get((int) ((v - block * 31) / 1_000_003L));
        return w == null ? "none logged" : w.toString();
    }

    /** Checks every block of the area; returns the number of promised writes found intact. */
    private static int verify(byte[] got, Map<Integer, Write> writes, Set<Integer> acked, int promisedUpTo,
                              Map<Long, byte[]> baseline, int round) {
        Map<Long, List<Write>> byBlock = new HashMap<>();
        writes.values().stream().sorted((a, b) -> Integer.compare(a.seq(), b.seq())).forEach(w -> {
            for (long b = w.offset(); b < w.offset() + w.length(); b += BLOCK) {
                byBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(w);
            }
        });
        Set<Integer> promisedSeen = new HashSet<>();
        for (Map.Entry<Long, List<Write>> e : byBlock.entrySet()) {
            long block = e.getKey();
            List<Write> ws = e.getValue();
            int promised = -1;
            for (int i = 0; i < ws.size(); i++) {
                if (ws.get(i).seq() <= promisedUpTo && acked.contains(ws.get(i).seq())) {
                    promised = i;
                }
            }
            byte[] actual = Arrays.copyOfRange(got, (int) block, (int) block + BLOCK);
            boolean ok = false;
            if (promised < 0) {
                byte[] base = baseline.get(block);
                ok = base == null ? Arrays.equals(actual, new byte[BLOCK]) : Arrays.equals(actual, base);
            }
            for (int i = Math.max(0, promised); i < ws.size() && !ok; i++) {
                Write w = ws.get(i);
                byte[] version = Redundant.pattern(block, BLOCK, w.seq());
                ok = Arrays.equals(actual, version);
            }
            assertTrue(ok, "round " + round + ": block " + block + " holds no allowed version (promised write "
                    + (promised < 0 ? "none" : ws.get(promised).seq()) + ", flushed up to " + promisedUpTo
                    + "; it holds " + describe(actual, block) + "; writes to it: "
                    + ws.stream().map(w -> w.seq() + (acked.contains(w.seq()) ? "a" : "")).toList()
                    + "; the child's record of the write it holds: " + writeOf(actual, block, writes) + ")");
            if (promised >= 0) {
                promisedSeen.add(ws.get(promised).seq());
            }
            baseline.put(block, actual);
        }
        return promisedSeen.size();
    }
}
