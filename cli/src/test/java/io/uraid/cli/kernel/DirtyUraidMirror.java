package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.cmd.PatternBytes;
import io.uraid.cli.daemon.AckedWriter;
import io.uraid.cli.daemon.DaemonProcess;
import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.daemon.nbd.NbdClient;
import io.uraid.io.testing.UserModeLinux;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raid1 whose write-intent bitmap uraid left dirty: the daemon serving it was killed with
 * SIGKILL while an {@link AckedWriter} wrote to one region. Then, on member 1, one 4 KiB block
 * is overwritten in a chunk the bitmap marks dirty and one in a chunk it leaves clean. The
 * kernel must assemble it and resync exactly the dirty chunks: afterwards the members differ in
 * the clean chunk's block only (md's resync copies from the first member; it did not touch the
 * clean chunk), a repair and a check leave mismatch_cnt 0, and the bytes md reads are the
 * pattern outside the writer's region and, inside it, whole writes no older than the newest
 * one acknowledged.
 */
final class DirtyUraidMirror {
    private static final long MIB = 1 << 20;
    private static final long WRITER_BASE = 2 * MIB;
    private static final int WRITER_BLOCKS = (int) (3 * MIB / AckedWriter.BLOCK);
    /** An array offset in a bitmap chunk the writer never touches. */
    private static final long CLEAN_POKE = 7 * MIB;
    private static final byte CLEAN_POKE_BYTE = (byte) 0xa5;

    private final UraidArray array;
    private final long dataOffset;
    private final long uraidDirtyBits;
    private final long[] acked;
    private final Path dump;

    private DirtyUraidMirror(UraidArray array, long dataOffset, long uraidDirtyBits, long[] acked, Path dump) {
        this.array = array;
        this.dataOffset = dataOffset;
        this.uraidDirtyBits = uraidDirtyBits;
        this.acked = acked;
        this.dump = dump;
    }

    /** Creates it (1 MiB bitmap chunks), writes the pattern of {@code seed}, runs the writer, kills the daemon, pokes. */
    static DirtyUraidMirror make(Path dir, String name, long seed) throws Exception {
        UraidArray a = UraidArray.create(dir, name, "raid1", UraidArray.mib(10, 10), seed, "--bitmap-chunk", "1M",
                "--assume-clean"); // clean from the start: the bitmap is dirty only where the writer wrote
        MdSuperblock sb = MemberExaminer.readV1(a.members().get(0));
        Path cfg = dir.resolve(name + ".conf");
        Files.writeString(cfg, "ARRAY " + name + " UUID=" + MdUuid.format(sb.setUuid()) + " devices="
                + a.members().get(0) + "," + a.members().get(1) + "\n");
        long[] acked;
        Path daemonDir = Files.createDirectories(dir.resolve("d"));
        try (DaemonProcess daemon = new DaemonProcess(daemonDir)) {
            daemon.start(cfg);
            try (NbdClient client = NbdClient.connect(daemon.uri(name))) {
                AckedWriter writer = new AckedWriter(client, WRITER_BASE, WRITER_BLOCKS, 1);
                Thread t = new Thread(writer, "acked-writer");
                t.start();
                long until = System.currentTimeMillis() + 60_000;
                while (writer.flushesDone() < 3 || writer.writesAcked() < 300) {
                    assertTrue(System.currentTimeMillis() < until, "the writer made no progress in 60 s");
                    Thread.sleep(5);
                }
                daemon.kill();
                t.join(30_000);
                assertFalse(t.isAlive(), "the writer stopped when the daemon died");
                acked = writer.acked();
            }
        }
        long dataOffset = sb.dataOffset() * 512;
        BitmapImage bitmap = MemberFiles.bitmap(a.members().get(0));
        List<Long> dirty = new ArrayList<>();
        for (long bit = 0; bit < bitmap.bitCount(); bit++) {
            if (bitmap.isSet(bit)) {
                dirty.add(bit);
            }
        }
        long chunk = bitmap.header().chunkSize();
        assertEquals(MIB, chunk);
        assertFalse(dirty.isEmpty(), "kill -9 under writes left the bitmap dirty");
        for (long bit : dirty) {
            assertTrue(bit * chunk >= WRITER_BASE && bit * chunk < WRITER_BASE + WRITER_BLOCKS * 4096L,
                    "dirty chunk " + bit + " lies in the writer's region: " + dirty);
        }
        poke(a.members().get(1), dataOffset + dirty.get(0) * chunk, (byte) 0x5a);
        poke(a.members().get(1), dataOffset + CLEAN_POKE, CLEAN_POKE_BYTE);
        return new DirtyUraidMirror(a, dataOffset, dirty.size(), acked, dir.resolve(name + ".dump"));
    }

    private static void poke(Path member, long at, byte value) throws Exception {
        byte[] block = new byte[4096];
        Arrays.fill(block, value);
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "rw")) {
            f.seek(at);
            f.write(block);
        }
    }

    /**
     * The guest's part: mdadm -X's dirty count, assemble (md resyncs), stop, compare the members'
     * data areas byte by byte, assemble again, repair, check, dump the md device, stop.
     */
    String script(List<Path> attached, String md) {
        int first = attached.size();
        attached.addAll(array.members());
        String n = array.name();
        String d0 = GuestMd.device(first);
        String d1 = GuestMd.device(first + 1);
        String both = d0 + " " + d1;
        return "mdadm -X " + d0 + " > /run/" + n + ".x; while read -r k c bits w1 w2 dirty rest; do "
                + "[ \"$k\" = Bitmap ] && echo \"" + n + ".bitmap_dirty=$dirty\"; done < /run/" + n + ".x\n"
                + "assemble " + n + " " + md + " " + both + "\n"
                + "idle " + md + "\n"
                + "stop " + n + " " + md + "\n"
                + "cmp -l -i " + dataOffset + " -n " + array.size() + " " + both + " > /run/" + n + ".cmp\n"
                + "c=0; f=none; l=none; while read -r at rest; do [ $c = 0 ] && f=$at; l=$at; c=$((c + 1)); "
                + "done < /run/" + n + ".cmp\n"
                + "echo \"" + n + ".differing_bytes=$c\"; echo \"" + n + ".first_difference=$f\"; "
                + "echo \"" + n + ".last_difference=$l\"\n"
                + "assemble " + n + "_after " + md + " " + both + "\n"
                + "idle " + md + "; echo repair > /sys/block/" + md + "/md/sync_action; idle " + md + "\n"
                + "check " + n + "_after " + md + "\n"
                + "dd if=/dev/" + md + " of=" + UserModeLinux.quote(dump.toString()) + " bs=1M 2>/dev/null\n"
                + "echo \"" + n + "_after.dumped=$?\"\n"
                + "stop " + n + "_after " + md + "\n";
    }

    void assertKernelResyncedOnlyTheDirtyChunks(UserModeLinux.Boot boot) throws Exception {
        String n = array.name();
        assertEquals(uraidDirtyBits, boot.longValue(n + ".bitmap_dirty"), "mdadm -X counts the dirty chunks uraid set");
        assertEquals("0", boot.value(n + ".assembled"), boot.toString());
        assertEquals("0", boot.value(n + ".degraded"), n);
        assertEquals(array.size(), boot.longValue(n + ".size") * 512, n);
        // After md's resync the members differ in the block poked into a clean chunk, and only there
        // (cmp counts bytes from 1; the pattern holds the poked value by chance in a few places).
        long poked = 0;
        for (byte b : PatternBytes.block(array.seed(), CLEAN_POKE)) {
            poked += b != CLEAN_POKE_BYTE ? 1 : 0;
        }
        assertEquals(poked, boot.longValue(n + ".differing_bytes"), n + ": members differ after md's resync");
        assertTrue(boot.longValue(n + ".first_difference") > CLEAN_POKE, n + ": first difference in the poked block");
        assertTrue(boot.longValue(n + ".last_difference") <= CLEAN_POKE + 4096, n + ": last one too");
        assertEquals("0", boot.value(n + "_after.mismatch"), n + ": clean after a repair");
        assertEquals("0", boot.value(n + "_after.dumped"), n);
        byte[] bytes = Files.readAllBytes(dump);
        assertEquals(array.size(), bytes.length, "the kernel's read of the whole array");
        ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long writes = 0;
        for (long at = 0; at < bytes.length; at += 4096) {
            ByteBuffer block = all.slice((int) at, 4096).order(ByteOrder.LITTLE_ENDIAN);
            boolean pattern = PatternBytes.matches(array.seed(), block, at);
            if (at < WRITER_BASE || at >= WRITER_BASE + WRITER_BLOCKS * 4096L) {
                assertTrue(pattern, n + ": array offset " + at + " outside the writer's region holds the pattern");
                continue;
            }
            int b = (int) ((at - WRITER_BASE) / 4096);
            long seq = pattern ? -1 : AckedWriter.identify(block, b);
            assertTrue(seq >= acked[b], n + ": block " + b + " holds write " + seq + ", older than acknowledged write "
                    + acked[b]);
            writes += seq >= 0 ? 1 : 0;
        }
        assertTrue(writes > 0, "the kernel reads the writer's writes");
    }
}
