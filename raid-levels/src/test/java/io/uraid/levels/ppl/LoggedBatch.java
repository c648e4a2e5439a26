package io.uraid.levels.ppl;

import io.uraid.io.NativeBuffer;
import io.uraid.levels.parity.ParityLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A batch of raid5 writes in flight together, logged as md logs them: each write's partial
 * parity per stripe row (from the old parity and the old data of the chunks it modifies, read
 * from the members: read-modify-write) goes into the log write of the row's parity member
 * ({@link PplLogUnit}, one per member, placed by {@link PplLogCursor}), and those log writes
 * reach the members first; the data and parity legs are then returned as 4 KiB blocks, for a
 * test to apply all of (a completed write) or any part of (a crash).
 */
final class LoggedBatch {
    /** One 4 KiB block of a data or parity leg. */
    record Block(int role, long offset, byte[] bytes, boolean parity) {
    }

    private final Raid5Images img;
    private final PplLogCursor[] cursors;
    private long generation;

    LoggedBatch(Raid5Images img) {
        this.img = img;
        this.cursors = new PplLogCursor[img.paths.length];
        for (int r = 0; r < cursors.length; r++) {
            cursors[r] = new PplLogCursor(img.area);
        }
    }

    /**
     * Logs the writes (4 KiB aligned; no two may share a stripe, as the stripe lock ensures) and
     * returns their legs' blocks, data and parity, with the new parity as the write would compute it.
     */
    List<Block> log(List<long[]> writes, Random rnd, byte[][] newData) throws IOException {
        ParityLayout l = img.layout;
        int n = l.raidDisks();
        PplLogUnit[] units = new PplLogUnit[n];
        List<Block> legs = new ArrayList<>();
        generation++;
        try (NativeBuffer pp = NativeBuffer.allocate(4096)) {
            for (int w = 0; w < writes.size(); w++) {
                long at = writes.get(w)[0];
                int len = (int) writes.get(w)[1];
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                newData[w] = data;
                long s = l.stripeOf(at);
                long stripeStart = l.arrayOffsetOf(s, 0);
                int p = l.pRole(s);
                for (int row = 0; row < l.chunkBytes(); row += 4096) {
                    int first = -1;
                    int count = 0;
                    byte[] parity = img.get(p, img.dataOffset + l.memberOffsetOfStripe(s) + row, 4096);
                    byte[] partial = parity.clone();
                    for (int dd = 0; dd < l.dataDisks(); dd++) {
                        long a = stripeStart + (long) dd * l.chunkBytes() + row;
                        if (a < at || a >= at + len) {
                            continue;
                        }
                        int role = l.dataRole(s, dd);
                        long off = img.dataOffset + l.memberOffsetOf(a);
                        byte[] old = img.get(role, off, 4096);
                        byte[] fresh = java.util.Arrays.copyOfRange(data, (int) (a - at), (int) (a - at) + 4096);
                        Raid5Images.xorInto(partial, old);
                        Raid5Images.xorInto(parity, old);
                        Raid5Images.xorInto(parity, fresh);
                        legs.add(new Block(role, off, fresh, false));
                        if (first < 0) {
                            first = dd;
                        }
                        count++;
                    }
                    if (count == 0) {
                        continue;
                    }
                    legs.add(new Block(p, img.dataOffset + l.memberOffsetOfStripe(s) + row, parity, true));
                    if (units[p] == null) {
                        units[p] = new PplLogUnit(img.signature, l.chunkBytes(), 512, img.area.partialParitySpace());
                        units[p].reset(generation);
                    }
                    boolean full = count == l.dataDisks();
                    if (!full) {
                        pp.view().put(partial);
                    }
                    units[p].addRow(l.memberOffsetOfStripe(s) + row, stripeStart + (long) first * l.chunkBytes() + row,
                            count, p, full ? 0 : pp.address());
                }
            }
            for (int r = 0; r < n; r++) {
                if (units[r] != null) {
                    int bytes = units[r].seal();
                    byte[] out = new byte[bytes];
                    units[r].view().get(out);
                    img.put(r, cursors[r].place(bytes), out);
                    units[r].close();
                }
            }
        }
        return legs;
    }
}
