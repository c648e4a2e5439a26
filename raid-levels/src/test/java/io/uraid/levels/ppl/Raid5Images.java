package io.uraid.levels.ppl;

import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import io.uraid.io.testing.TestEngines;
import io.uraid.levels.parity.ParityLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The member files of a raid5 with a partial parity log, for recovery tests: random data with
 * consistent parity, each member's PPL area where mdadm puts it (+8 sectors from the
 * superblock at sector 8, 1 MiB) holding md's empty header, data from 2 MiB. The files are
 * read and written directly here; the code under test goes through {@link #io} (the best
 * engine this machine has).
 */
final class Raid5Images implements AutoCloseable {
    static final long AREA_START = 16 * 512;
    static final int AREA_BYTES = 2048 * 512;
    static final long DATA_OFFSET = 2L << 20;
    static final byte[] UUID = "uraid-ppl-tests!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final ParityLayout layout;
    final Path[] paths;
    final PplArea area;
    final int signature;
    final long dataOffset;
    private final FileChannel[] files;
    private IoEngine engine;
    private BlockDevice[] devices;

    private Raid5Images(ParityLayout layout, Path[] paths, FileChannel[] files, PplArea area, int signature,
                        long dataOffset) {
        this.layout = layout;
        this.paths = paths;
        this.files = files;
        this.area = area;
        this.signature = signature;
        this.dataOffset = dataOffset;
    }

    /** Member files of an md raid5 with PPL (every role present, in role order), as their superblocks describe them. */
    static Raid5Images open(Path... paths) throws IOException {
        FileChannel[] files = new FileChannel[paths.length];
        for (int r = 0; r < paths.length; r++) {
            files[r] = FileChannel.open(paths[r], StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        Raid5Images img0 = new Raid5Images(null, paths, files, null, 0, 0);
        MdSuperblock sb = img0.superblock(0);
        ParityLayout l = ParityLayout.of(5, sb.layout(), sb.raidDisks(), sb.chunkSize() * 512, sb.size() * 512);
        return new Raid5Images(l, paths, files, PplArea.of(sb), PplHeader.signature(sb.setUuid()),
                sb.dataOffset() * 512);
    }

    MdSuperblock superblock(int role) throws IOException {
        return MdSuperblock.decode(ByteBuffer.wrap(get(role, 4096, 4096)));
    }

    /** Marks every member's superblock as md marks an array in use (resync_offset 0): a crash leaves it so. */
    void markDirty() throws IOException {
        for (int r = 0; r < paths.length; r++) {
            put(r, 4096, superblock(r).with(b -> b.resyncOffset(0)).encode());
        }
    }

    static Raid5Images create(Path dir, int disks, int layoutWord, int chunk, int stripes, long seed) throws IOException {
        ParityLayout l = ParityLayout.of(5, layoutWord, disks, chunk, (long) stripes * chunk);
        Path[] paths = new Path[disks];
        FileChannel[] files = new FileChannel[disks];
        for (int r = 0; r < disks; r++) {
            paths[r] = dir.resolve("m" + r + ".img");
            files[r] = FileChannel.open(paths[r], StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        Raid5Images img = new Raid5Images(l, paths, files, new PplArea(AREA_START, AREA_BYTES), PplHeader.signature(UUID),
                DATA_OFFSET);
        Random rnd = new Random(~seed); // not the seed a test's writes use
        byte[] data = new byte[chunk];
        for (long s = 0; s < l.stripes(); s++) {
            byte[] parity = new byte[chunk];
            for (int dd = 0; dd < l.dataDisks(); dd++) {
                rnd.nextBytes(data);
                xorInto(parity, data);
                img.put(l.dataRole(s, dd), DATA_OFFSET + l.memberOffsetOfStripe(s), data);
            }
            img.put(l.pRole(s), DATA_OFFSET + l.memberOffsetOfStripe(s), parity);
        }
        byte[] empty = PplHeader.empty(UUID).encode();
        for (int r = 0; r < disks; r++) {
            img.put(r, AREA_START, empty);
        }
        return img;
    }

    /** The areas of every role, as recovery takes them. */
    PplArea[] areas() {
        PplArea[] a = new PplArea[paths.length];
        Arrays.fill(a, area);
        return a;
    }

    /**
     * Member access with {@code role}'s device present but still being rebuilt: the first
     * {@code recovered} bytes of its data area rebuilt (md's recovery_offset).
     */
    EngineMemberIo ioRebuilding(int role, long recovered) throws IOException {
        io(); // opens the devices
        boolean[] inSync = new boolean[paths.length];
        Arrays.fill(inSync, true);
        inSync[role] = false;
        long[] offsets = new long[paths.length];
        Arrays.fill(offsets, dataOffset);
        long[] rebuilt = new long[paths.length];
        rebuilt[role] = recovered;
        return new EngineMemberIo(engine, devices, offsets, inSync, rebuilt);
    }

    /** Member access through the best engine; {@code missing} roles have no device. */
    EngineMemberIo io(int... missing) throws IOException {
        if (engine == null) {
            engine = TestEngines.open(8);
            devices = new BlockDevice[paths.length];
            for (int r = 0; r < paths.length; r++) {
                devices[r] = engine.open(paths[r], OpenOptions.DEFAULT.withExclusive(false));
            }
        }
        BlockDevice[] devs = devices.clone();
        for (int m : missing) {
            devs[m] = null;
        }
        long[] offsets = new long[paths.length];
        Arrays.fill(offsets, dataOffset);
        boolean[] inSync = new boolean[paths.length];
        Arrays.fill(inSync, true);
        return new EngineMemberIo(engine, devs, offsets, inSync);
    }

    byte[] get(int role, long offset, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (files[role].read(b, offset + b.position()) < 0) {
                break; // beyond the end reads as zeros
            }
        }
        return b.array();
    }

    void put(int role, long offset, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            files[role].write(b, offset + b.position());
        }
    }

    /** {@code len} array bytes from {@code at} as the data members hold them. */
    byte[] arrayBytes(long at, int len) throws IOException {
        byte[] out = new byte[len];
        for (int done = 0; done < len; ) {
            long a = at + done;
            int n = Math.min(len - done, layout.bytesToChunkEnd(a));
            System.arraycopy(get(layout.roleOf(a), dataOffset + layout.memberOffsetOf(a), n), 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** 4 KiB rows of the array whose parity is not the XOR of their data. */
    int inconsistentRows() throws IOException {
        int bad = 0;
        int chunk = layout.chunkBytes();
        for (long s = 0; s < layout.stripes(); s++) {
            long base = dataOffset + layout.memberOffsetOfStripe(s);
            byte[] acc = get(layout.pRole(s), base, chunk);
            for (int dd = 0; dd < layout.dataDisks(); dd++) {
                xorInto(acc, get(layout.dataRole(s, dd), base, chunk));
            }
            for (int row = 0; row < chunk; row += 4096) {
                for (int i = row; i < row + 4096; i++) {
                    if (acc[i] != 0) {
                        bad++;
                        break;
                    }
                }
            }
        }
        return bad;
    }

    static void xorInto(byte[] acc, byte[] b) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= b[i];
        }
    }

    @Override
    public void close() throws IOException {
        if (devices != null) {
            for (BlockDevice d : devices) {
                d.close();
            }
            engine.close();
        }
        for (FileChannel f : files) {
            f.close();
        }
    }
}
