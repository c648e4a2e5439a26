package io.uraid.arrays;

import io.uraid.core.api.BlockingIo;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.IoEngine;
import io.uraid.io.NativeBuffer;
import io.uraid.io.nativeio.LoopDevice;
import io.uraid.core.spi.Layout;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared steps of the redundancy tests: create, assemble, patterned writes, mdadm -X. */
final class Redundant {
    static final int MIB = 1 << 20;

    private Redundant() {
    }

    static void create(Members files, String level, int disks, CreateSpec.BitmapMode bitmap, int bitmapChunk)
            throws IOException {
        create(files, level, disks, bitmap, bitmapChunk, false);
    }

    static void create(Members files, String level, int disks, CreateSpec.BitmapMode bitmap, int bitmapChunk,
                       boolean force) throws IOException {
        // --assume-clean: fresh member files read as zeroes, so the copies agree from the start (these
        // tests count the resync, rebuild and bitmap work their own steps cause, not a first sync).
        CreateSpec spec = new CreateSpec("red", "testhost", LevelRegistry.byName(level), disks,
                level.equals("raid10") ? 64 * 1024 : 0, -1, files.paths, force, true, bitmap, bitmapChunk);
        try (IoEngine eng = ArrayEndToEndTest.engine()) {
            ArrayCreator.create(spec, eng);
        }
    }

    static OpenArray assemble(List<Path> paths, long clearDelayMillis) throws IOException {
        AssembleOptions o = AssembleOptions.DEFAULT.withRun(true).withRedundancy(
                RedundancyOptions.DEFAULT.withBitmapClearDelayMillis(clearDelayMillis));
        return Assembler.assemble(paths, o, ArrayEndToEndTest.engine());
    }

    /** The bytes written at {@code offset} with {@code seed}: recognisable by offset and seed. */
    static byte[] pattern(long offset, int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i += 8) {
            long v = (offset + i) * 31 + seed * 1_000_003L;
            for (int k = 0; k < 8 && i + k < length; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    static void write(RaidArray array, long offset, byte[] data) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(Math.max(4096, (data.length + 4095) / 4096 * 4096))) {
            buf.view().put(data);
            BlockingIo.write(array, offset, data.length, buf.address(), 0);
        }
    }

    static byte[] read(RaidArray array, long offset, int length) throws IOException {
        try (NativeBuffer buf = NativeBuffer.allocate(Math.max(4096, (length + 4095) / 4096 * 4096))) {
            BlockingIo.read(array, offset, length, buf.address());
            byte[] b = new byte[length];
            buf.view().get(b);
            return b;
        }
    }

    /** Copies the member files as they are now (a power cut of a running array, after a flush). */
    static List<Path> snapshot(Members files, String suffix) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : files.paths) {
            Path c = p.resolveSibling(p.getFileName() + suffix);
            Files.copy(p, c, StandardCopyOption.REPLACE_EXISTING);
            out.add(c);
        }
        return out;
    }

    /**
     * {@code mdadm -X} of a member file: {bits, dirty}. mdadm looks for the md superblock only
     * on block devices, so the file is seen through a loop device for the call.
     */
    static long[] examineBitmap(Path member) throws IOException, InterruptedException {
        String out;
        try (LoopDevice loop = LoopDevice.attach(member, 0)) {
            out = run("mdadm", "--examine-bitmap", loop.path().toString());
        }
        Matcher m = Pattern.compile("Bitmap : (\\d+) bits \\(chunks\\), (\\d+) dirty").matcher(out);
        if (!m.find()) {
            throw new AssertionError("mdadm -X printed no bitmap line:\n" + out);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + code + ": " + out);
        }
        return out;
    }

    /** Array bytes (4 KiB blocks) whose copies differ on the member files; 0 when the mirrors agree. */
    static long differingBytes(List<Path> members, Layout layout, long dataOffset) throws IOException {
        RandomAccessFile[] raf = new RandomAccessFile[members.size()];
        try {
            for (int i = 0; i < raf.length; i++) {
                raf[i] = new RandomAccessFile(members.get(i).toFile(), "r");
            }
            long differing = 0;
            byte[] first = new byte[4096];
            byte[] other = new byte[4096];
            for (long at = 0; at < layout.arraySize(); at += 4096) {
                readCopy(raf, layout, dataOffset, at, 0, first);
                for (int c = 1; c < layout.copies(); c++) {
                    readCopy(raf, layout, dataOffset, at, c, other);
                    if (!Arrays.equals(first, other)) {
                        differing += 4096;
                        break;
                    }
                }
            }
            return differing;
        } finally {
            for (RandomAccessFile r : raf) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    private static void readCopy(RandomAccessFile[] raf, Layout layout, long dataOffset, long at, int copy, byte[] out)
            throws IOException {
        RandomAccessFile f = raf[layout.member(at, copy)];
        f.seek(dataOffset + layout.memberOffset(at, copy));
        f.readFully(out);
    }

    /** Overwrites copy {@code copy} of array bytes {@code [at, at + length)} on the member file. */
    static void corruptCopy(List<Path> members, Layout layout, long dataOffset, long at, int length, int copy)
            throws IOException {
        byte[] junk = new byte[4096];
        Arrays.fill(junk, (byte) 0x5a);
        for (long o = at; o < at + length; o += 4096) {
            try (RandomAccessFile f = new RandomAccessFile(members.get(layout.member(o, copy)).toFile(), "rw")) {
                f.seek(dataOffset + layout.memberOffset(o, copy));
                f.write(junk);
            }
        }
    }
}
