package io.uraid.levels.parity;

import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.core.sb.SuperblockLayout;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

/**
 * Builds the member images of a raid4/5/6 array on the host the way uraid lays them out:
 * superblocks from {@link SuperblockLayout} and {@link MdSuperblock}, data placed by
 * {@link ParityLayout}, parity from {@link StripeParity}, PPL headers from {@link PplHeader}.
 * The array's content is {@code pattern} from array offset 0.
 */
final class HostArrayBuilder {
    /** Stripe whose parity a PPL test array leaves stale, for the log to repair. */
    static final long STALE_STRIPE = 3;
    /** Data index and offset in the chunk of the logged 4 KiB write. */
    static final int STALE_DATA_INDEX = 1;
    static final int STALE_OFFSET_IN_CHUNK = 8192;

    private final OracleArray array;
    private final Path dir;
    private final Random random;
    final byte[] uuid = new byte[16];
    SuperblockLayout superblockLayout;
    ParityLayout layout;

    HostArrayBuilder(OracleArray array, Path dir, long seed) {
        this.array = array;
        this.dir = dir;
        this.random = new Random(seed);
        random.nextBytes(uuid);
    }

    /**
     * Writes the images. With {@code staleParityLoggedInPpl} (raid5 PPL only) the array is
     * left as after a crash in the middle of a logged write: marked dirty, the parity of one
     * 4 KiB block of {@link #STALE_STRIPE} wrong, and that write's partial parity entry in the
     * log on the stripe's parity member.
     */
    void build(byte[] pattern, boolean staleParityLoggedInPpl) throws IOException {
        int n = array.disks();
        long[] sectors = new long[n];
        java.util.Arrays.fill(sectors, array.memberBytes() / 512);
        superblockLayout = SuperblockLayout.forCreate(array.level(), array.layoutWord(), n, array.chunkKiB(),
                array.ppl() ? SuperblockLayout.Bitmap.PPL : SuperblockLayout.Bitmap.NONE, true, sectors);
        layout = ParityLayout.of(array.level(), array.layoutWord(), n, array.chunkKiB() * 1024,
                superblockLayout.size() * 512);
        long dataStart = superblockLayout.dataOffset() * 512;
        int chunk = layout.chunkBytes();
        FileChannel[] files = new FileChannel[n];
        NativeBuffer[] chunks = new NativeBuffer[n];
        try {
            for (int r = 0; r < n; r++) {
                files[r] = FileChannel.open(array.member(dir, r), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
                files[r].write(ByteBuffer.allocate(1), array.memberBytes() - 1); // full length, sparse
                chunks[r] = NativeBuffer.allocate(chunk);
            }
            StripeParity parity = new StripeParity(layout);
            long[] address = new long[n];
            for (int r = 0; r < n; r++) {
                address[r] = chunks[r].address();
            }
            for (long s = 0; s < layout.stripes(); s++) {
                for (int dd = 0; dd < layout.dataDisks(); dd++) {
                    chunks[layout.dataRole(s, dd)].view().put(pattern, (int) layout.arrayOffsetOf(s, dd), chunk);
                }
                parity.computeParity(s, address, chunk);
                for (int r = 0; r < n; r++) {
                    writeFully(files[r], chunks[r].view(), dataStart + layout.memberOffsetOfStripe(s));
                }
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // whole seconds, as mdadm writes times
            for (int r = 0; r < n; r++) {
                MdSuperblock.Builder b = MdSuperblock.builder().setUuid(uuid).setName("uraid", array.name())
                        .ctime(now).utime(now).level(array.level()).raidDisks(n).devNumber(r)
                        .deviceUuid(randomUuid()).events(1)
                        .resyncOffset(staleParityLoggedInPpl ? 0 : MdConstants.RESYNC_DONE);
                superblockLayout.applyTo(b, sectors[r], 0);
                if (superblockLayout.bblogSize() > 0) {
                    b.badBlockLog(9, superblockLayout.bblogSize(), superblockLayout.bblogOffset());
                }
                for (int slot = 0; slot < n; slot++) {
                    b.devRole(slot, slot);
                }
                writeFully(files[r], ByteBuffer.wrap(b.build().encode()), superblockLayout.superOffset() * 512);
                if (array.ppl()) {
                    writeFully(files[r], ByteBuffer.wrap(PplHeader.empty(uuid).encode()), pplStart());
                }
            }
            if (staleParityLoggedInPpl) {
                logStaleWrite(files, pattern, dataStart);
            }
        } finally {
            for (int r = 0; r < n; r++) {
                if (files[r] != null) {
                    files[r].close();
                }
                if (chunks[r] != null) {
                    chunks[r].close();
                }
            }
        }
    }

    /** Byte offset of the PPL area on each member. */
    long pplStart() {
        return (superblockLayout.superOffset() + superblockLayout.pplOffset()) * 512;
    }

    /** Member offset (in the data area) of the stale parity block. */
    long staleMemberOffset() {
        return layout.memberOffsetOfStripe(STALE_STRIPE) + STALE_OFFSET_IN_CHUNK;
    }

    private void logStaleWrite(FileChannel[] files, byte[] pattern, long dataStart) throws IOException {
        int block = 4096;
        int p = layout.pRole(STALE_STRIPE);
        // Partial parity: the XOR of the data the write did not touch, at the same offset.
        byte[] pp = new byte[block];
        for (int dd = 0; dd < layout.dataDisks(); dd++) {
            if (dd != STALE_DATA_INDEX) {
                int at = (int) layout.arrayOffsetOf(STALE_STRIPE, dd) + STALE_OFFSET_IN_CHUNK;
                for (int i = 0; i < block; i++) {
                    pp[i] ^= pattern[at + i];
                }
            }
        }
        byte[] junk = new byte[block];
        random.nextBytes(junk);
        writeFully(files[p], ByteBuffer.wrap(junk), dataStart + staleMemberOffset());
        long dataSector = (layout.arrayOffsetOf(STALE_STRIPE, STALE_DATA_INDEX) + STALE_OFFSET_IN_CHUNK) / 512;
        PplHeader header = new PplHeader(PplHeader.signature(uuid), 5,
                List.of(new PplHeader.Entry(dataSector, block, block, p, PplHeader.checksumOf(ByteBuffer.wrap(pp)))));
        writeFully(files[p], ByteBuffer.wrap(header.encode()), pplStart());
        writeFully(files[p], ByteBuffer.wrap(pp), pplStart() + PplHeader.BYTES);
    }

    private byte[] randomUuid() {
        byte[] u = new byte[16];
        random.nextBytes(u);
        return u;
    }

    private static void writeFully(FileChannel f, ByteBuffer src, long at) throws IOException {
        while (src.hasRemaining()) {
            at += f.write(src, at);
        }
    }
}
