package io.uraid.levels.parity;

import io.uraid.core.sb.MdSuperblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The member files of one array mapped read-only, with the array's {@link ParityLayout} as
 * its superblocks describe it: what the host side of the oracle test reads.
 */
final class Members implements AutoCloseable {
    final ParityLayout layout;
    final long dataOffset;
    private final MappedByteBuffer[] maps;

    private Members(ParityLayout layout, long dataOffset, MappedByteBuffer[] maps) {
        this.layout = layout;
        this.dataOffset = dataOffset;
        this.maps = maps;
    }

    /** Maps the members of {@code a} and builds the layout from member 0's superblock. */
    static Members open(OracleArray a, Path dir) throws IOException {
        MdSuperblock sb = superblock(a.member(dir, 0));
        ParityLayout l = ParityLayout.of(sb.level(), sb.layout(), sb.raidDisks(), sb.chunkSize() * 512, sb.size() * 512);
        MappedByteBuffer[] maps = new MappedByteBuffer[a.disks()];
        for (int i = 0; i < maps.length; i++) {
            MdSuperblock own = superblock(a.member(dir, i));
            if (own.role() != i) {
                throw new IOException(a.member(dir, i) + " holds role " + own.role() + ", expected " + i);
            }
            try (FileChannel f = FileChannel.open(a.member(dir, i), StandardOpenOption.READ)) {
                maps[i] = f.map(FileChannel.MapMode.READ_ONLY, 0, f.size());
            }
        }
        return new Members(l, sb.dataOffset() * 512, maps);
    }

    /** The chunk of stripe {@code stripe} on {@code role}, as a read-only view. */
    ByteBuffer chunk(int role, long stripe) {
        return maps[role].slice((int) (dataOffset + layout.memberOffsetOfStripe(stripe)), layout.chunkBytes());
    }

    /** Fills {@code out[role]} with the native address of each role's chunk of {@code stripe}. */
    void addresses(long stripe, long[] out) {
        for (int r = 0; r < maps.length; r++) {
            out[r] = ParityMemory.address(maps[r]) + dataOffset + layout.memberOffsetOfStripe(stripe);
        }
    }

    static MdSuperblock superblock(Path member) throws IOException {
        return MdSuperblock.decode(read(member, 8 * 512, 4096));
    }

    static ByteBuffer read(Path file, long offset, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining() && f.read(b, offset + b.position()) > 0) {
                // keep reading
            }
        }
        return b.flip();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public void close() {
        // Mappings are released by the collector; nothing holds the files open.
    }
}
