package io.uraid.arrays;

import io.uraid.io.NativeBuffer;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.levels.parity.ParityLayout;
import io.uraid.levels.parity.StripeParity;
import java.util.Arrays;

/** Whether the stripes on raid4/5/6 member images hold the parity of their data (P, and Q). */
public final class ParityRows {
    private ParityRows() {
    }

    /** The first stripe whose P or Q differs from what its data gives, or -1 when every one agrees. */
    public static long firstInconsistentStripe(MemoryDisk[] byRole, ParityLayout layout, long dataOffset) {
        int n = byRole.length;
        int chunk = layout.chunkBytes();
        StripeParity math = new StripeParity(layout);
        try (NativeBuffer rows = NativeBuffer.allocate(n * chunk); NativeBuffer computed = NativeBuffer.allocate(2 * chunk)) {
            long[] address = new long[n];
            byte[][] member = new byte[n][];
            for (long s = 0; s < layout.stripes(); s++) {
                for (int r = 0; r < n; r++) {
                    member[r] = byRole[r].bytes(dataOffset + s * chunk, chunk);
                    rows.view().put(r * chunk, member[r]);
                    address[r] = rows.address() + (long) r * chunk;
                }
                int p = layout.pRole(s);
                int q = layout.qRole(s);
                address[p] = computed.address();
                if (q >= 0) {
                    address[q] = computed.address() + chunk;
                }
                math.computeParity(s, address, chunk);
                byte[] want = new byte[chunk];
                computed.view().get(0, want);
                if (!Arrays.equals(want, member[p])) {
                    return s;
                }
                if (q >= 0) {
                    computed.view().get(chunk, want);
                    if (!Arrays.equals(want, member[q])) {
                        return s;
                    }
                }
            }
        }
        return -1;
    }
}
