package io.uraid.levels.ppl;

import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.Xor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.logging.Logger;

/**
 * What md does with the partial parity logs when it starts a raid5 with consistency policy
 * ppl (ppl_load): for every device in a role, in sync or being rebuilt, find its newest log
 * write ({@link PplLogScan}); when the array was not stopped cleanly, replay that write's
 * entries (ppl_recover_entry: each entry's partial parity checked against its CRC; parity
 * rewritten as the XOR of the modified data and the partial parity, row by row), then flush
 * the member; finally clear the area of every device in a role (zeros, then an empty header of
 * generation 0, written durably), so that the next session's log writes start afresh at its
 * start.
 *
 * <p>A device being rebuilt holds current data below its recovery offset only. As md does, a
 * row whose modified data sit on a missing member, or on one being rebuilt at or above its
 * recovery offset, is left alone (the rebuild recreates those data from the parity); a device
 * being rebuilt that holds the log has its entries replayed all the same: the writer logged
 * only stripes it had rebuilt (see {@code PplStripeLog}), and parity written above its
 * recovery offset is rewritten by the rebuild when it resumes.
 *
 * <p>The array may be marked clean (no resync) when it was dirty, at least one entry was
 * recovered and nothing was wrong: no entry with a bad CRC and no member without a valid
 * header. Otherwise a dirty array resyncs, as md's does.
 */
public final class PplRecovery {
    private static final Logger LOG = Logger.getLogger(PplRecovery.class.getName());
    private static final int ZERO_CHUNK = 64 * 1024;
    private static final byte[] ZEROS = new byte[PplArea.BLOCK];

    private final ParityLayout layout;
    private final PplMemberIo io;
    private final int signature;
    private final int unitBytes;

    /**
     * @param layout    the array's raid5 layout
     * @param io        member access: the log of every {@link PplMemberIo#present present} member
     *                  is read, replayed and cleared; data are read below each member's
     *                  {@link PplMemberIo#recovered recovery offset} only
     * @param signature the array's PPL signature ({@link PplHeader#signature})
     * @param unitBytes bytes per entry sector unit: the array's logical block size
     */
    public PplRecovery(ParityLayout layout, PplMemberIo io, int signature, int unitBytes) {
        if (layout.level() != 5) {
            throw new IllegalArgumentException("the partial parity log is raid5's, not raid" + layout.level() + "'s");
        }
        if (unitBytes < 512 || Integer.bitCount(unitBytes) != 1 || unitBytes > PplArea.BLOCK) {
            throw new IllegalArgumentException("sector unit must be a power of two from 512 to 4096: " + unitBytes);
        }
        this.layout = layout;
        this.io = io;
        this.signature = signature;
        this.unitBytes = unitBytes;
    }

    /**
     * What one start did with the logs.
     *
     * @param recoveredEntries entries replayed
     * @param mismatches       entries with a wrong CRC (not replayed) plus logs without any valid header
     * @param skippedRows      rows left alone because a modified data member was missing, or
     *                         being rebuilt and not yet there
     * @param markClean        the array was dirty and the logs fully recovered it: it owes no resync
     */
    public record Outcome(int recoveredEntries, int mismatches, int skippedRows, boolean markClean) {
    }

    /**
     * Reads (and when {@code dirty}, replays) the log of every device in a role, then clears its
     * area.
     *
     * @param areas PPL area of each role (null where the role has no device)
     * @param dirty the superblocks say the array was not stopped cleanly
     * @throws IOException when a member cannot be read or written: md fails the start
     */
    public Outcome run(PplArea[] areas, boolean dirty) throws IOException {
        int[] counts = new int[3]; // recovered, mismatches, skipped rows
        try (NativeBuffer acc = NativeBuffer.allocate(PplArea.BLOCK); NativeBuffer tmp = NativeBuffer.allocate(PplArea.BLOCK)) {
            for (int role = 0; role < layout.raidDisks(); role++) {
                if (areas[role] == null || !io.present(role)) {
                    continue;
                }
                PplLogScan.Newest newest = PplLogScan.newest(io, role, areas[role], signature);
                if (newest == null) {
                    LOG.warning("role " + role + ": no valid partial parity log header");
                    counts[1]++;
                } else if (dirty) {
                    replay(role, areas[role], newest, acc, tmp, counts);
                    io.flush(role);
                }
            }
            for (int role = 0; role < layout.raidDisks(); role++) {
                if (areas[role] != null && io.present(role)) {
                    clear(role, areas[role]);
                }
            }
        }
        boolean clean = dirty && counts[0] > 0 && counts[1] == 0;
        return new Outcome(counts[0], counts[1], counts[2], clean);
    }

    private void replay(int role, PplArea area, PplLogScan.Newest newest, NativeBuffer acc, NativeBuffer tmp,
                        int[] counts) throws IOException {
        long pp = area.start() + newest.offset() + PplHeader.BYTES;
        for (PplHeader.Entry e : newest.header().entries()) {
            long ppSize = Integer.toUnsignedLong(e.ppSize());
            if (pp + ppSize > area.start() + area.bytes()) {
                LOG.warning("role " + role + ": PPL entry " + e + " runs past the log area");
                counts[1]++;
                break;
            }
            if (crc(role, pp, ppSize, tmp) != e.checksum()) {
                LOG.warning("role " + role + ": PPL entry " + e + " has a wrong checksum; not replayed");
                counts[1]++;
            } else {
                EntrySpan span;
                try {
                    span = EntrySpan.of(e, layout, unitBytes);
                } catch (IllegalArgumentException bad) {
                    LOG.warning("role " + role + ": " + bad.getMessage());
                    counts[1]++;
                    pp += ppSize;
                    continue;
                }
                if (e.parityDisk() != role || layout.pRole(layout.stripeOf(span.first())) != role) {
                    LOG.warning("role " + role + ": PPL entry " + e + " is not about a stripe whose parity it holds");
                    counts[1]++;
                } else {
                    counts[2] += replay(role, span, ppSize > 0 ? pp : -1, acc, tmp);
                    counts[0]++;
                }
            }
            pp += ppSize;
        }
    }

    /** Rewrites the parity rows of one entry; returns the rows left alone. */
    private int replay(int role, EntrySpan span, long ppAt, NativeBuffer acc, NativeBuffer tmp) throws IOException {
        int skipped = 0;
        int block = span.block();
        int chunk = layout.chunkBytes();
        for (int i = 0; i < span.strip(); i += block) {
            acc.view().put(ZEROS, 0, block);
            boolean update = false;
            for (int k = 0; k < span.dataDisks(); k++) {
                long at = span.first() + i + (long) k * chunk;
                if (at >= span.last()) {
                    continue;
                }
                int dataRole = layout.roleOf(at);
                long memberOffset = layout.memberOffsetOf(at);
                if (memberOffset + block > io.recovered(dataRole)) {
                    update = false; // missing, or not rebuilt this far: md leaves the row to the rebuild
                    break;
                }
                update = true;
                io.read(dataRole, io.dataOffset(dataRole) + memberOffset, tmp.address(), block);
                Xor.xorInto(acc.address(), tmp.address(), block);
            }
            if (!update) {
                skipped++;
                continue;
            }
            if (ppAt >= 0) {
                io.read(role, ppAt + i, tmp.address(), block);
                Xor.xorInto(acc.address(), tmp.address(), block);
            }
            io.write(role, io.dataOffset(role) + layout.memberOffsetOf(span.first() + i), acc.address(), block, false);
        }
        return skipped;
    }

    private int crc(int role, long at, long length, NativeBuffer tmp) throws IOException {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(PplArea.BLOCK, length - done);
            io.read(role, at + done, tmp.address(), n);
            ByteBuffer v = tmp.view();
            v.limit(n);
            crc.update(v);
            done += n;
        }
        return (int) crc.getValue();
    }

    /** md's empty header: the area zeroed, flushed, then the header of generation 0 written durably. */
    private void clear(int role, PplArea area) throws IOException {
        try (NativeBuffer zeros = NativeBuffer.allocate(ZERO_CHUNK)) {
            for (long done = 0; done < area.bytes(); ) {
                int n = (int) Math.min(ZERO_CHUNK, area.bytes() - done);
                io.write(role, area.start() + done, zeros.address(), n, false);
                done += n;
            }
            io.flush(role);
            new PplHeader(signature, 0, List.of()).encodeInto(zeros.view());
            io.write(role, area.start(), zeros.address(), PplHeader.BYTES, true);
        }
    }
}
