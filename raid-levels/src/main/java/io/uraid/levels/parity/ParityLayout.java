package io.uraid.levels.parity;

/**
 * Where md's raid4, raid5 and raid6 put every byte: pure arithmetic over one array's geometry,
 * as the kernel's raid456 computes it ({@code raid5_compute_sector}, {@code raid6_d0},
 * {@code raid6_idx_to_slot}). No I/O and no allocation: every method returns primitives, so
 * the request path may call it per request.
 *
 * <p>Terms. The array is cut into chunks; {@code D} consecutive chunks (D = n − 1 for
 * raid4/5, n − 2 for raid6) form a <em>stripe</em>, stored as chunk {@code stripe} of every
 * member (member offset {@code stripe · chunk} from the start of the data area). Inside a
 * stripe the chunks have a <em>data index</em> 0..D−1 in array order; each lives on a member
 * <em>role</em>; P (and Q) take the remaining roles. Q is Σ g^slot · D over GF(2^8) where the
 * <em>slot</em> of a data chunk is the kernel's syndrome order: for most layouts the data
 * chunks numbered in disk order starting after Q, for the DDF layouts the role itself (P and
 * Q then occupy slots that count as zero). {@link #syndromeSlots()} says how many slots Q's
 * Horner loop walks.
 *
 * <p>Offsets on members are relative to the data area (add the superblock's data_offset).
 */
public final class ParityLayout {
    private final int level;
    private final ParityAlgorithm algorithm;
    private final int disks;
    private final int dataDisks;
    private final int chunk;
    private final int chunkShift;
    private final long stripes;

    private ParityLayout(int level, ParityAlgorithm algorithm, int disks, int chunk, long stripes) {
        this.level = level;
        this.algorithm = algorithm;
        this.disks = disks;
        this.dataDisks = disks - (level == 6 ? 2 : 1);
        this.chunk = chunk;
        this.chunkShift = Integer.numberOfTrailingZeros(chunk);
        this.stripes = stripes;
    }

    /**
     * The layout of an md array.
     *
     * @param level       md level: 4, 5 or 6
     * @param layoutWord  md layout word (ignored for raid4, as md does)
     * @param raidDisks   raid devices, missing ones included
     * @param chunkBytes  chunk size: a power of two of at least 4 KiB
     * @param memberBytes bytes of each member the array uses (superblock {@code size});
     *                    rounded down to whole chunks as md does
     * @throws IllegalArgumentException with a one-line reason when md would refuse the shape
     */
    public static ParityLayout of(int level, int layoutWord, int raidDisks, int chunkBytes, long memberBytes) {
        if (level != 4 && level != 5 && level != 6) {
            throw new IllegalArgumentException("parity layouts are for raid4, raid5 and raid6, not level " + level);
        }
        int min = minDisks(level);
        if (raidDisks < min) {
            throw new IllegalArgumentException("raid" + level + " needs at least " + min + " raid devices, got "
                    + raidDisks);
        }
        if (chunkBytes < 4096 || Integer.bitCount(chunkBytes) != 1) {
            throw new IllegalArgumentException("raid" + level + " chunk must be a power of two of at least 4096 bytes: "
                    + chunkBytes);
        }
        if (memberBytes < 0) {
            throw new IllegalArgumentException("member size must not be negative: " + memberBytes);
        }
        ParityAlgorithm a = ParityAlgorithm.fromWord(level, layoutWord);
        return new ParityLayout(level, a, raidDisks, chunkBytes, memberBytes / chunkBytes);
    }

    /** Fewest raid devices md (and mdadm) accept: 2 for raid4/5, 4 for raid6. */
    public static int minDisks(int level) {
        return level == 6 ? 4 : 2;
    }

    public int level() { return level; }
    public ParityAlgorithm algorithm() { return algorithm; }
    public int raidDisks() { return disks; }
    /** Data chunks per stripe (D). */
    public int dataDisks() { return dataDisks; }
    /** 1 for raid4/5, 2 for raid6. */
    public int parityDisks() { return disks - dataDisks; }
    public int chunkBytes() { return chunk; }
    /** Stripes in the array (= whole chunks per member). */
    public long stripes() { return stripes; }
    /** Bytes of each member the array uses. */
    public long memberBytesUsed() { return stripes << chunkShift; }
    /** Usable size of the array: stripes × D × chunk. */
    public long arraySize() { return stripes * dataDisks << chunkShift; }
    /** Array bytes in one stripe (D × chunk). */
    public long stripeBytes() { return (long) dataDisks << chunkShift; }

    // ---- array offset -> place ----

    /** Stripe holding the array byte at {@code arrayOffset}. */
    public long stripeOf(long arrayOffset) {
        return (arrayOffset >>> chunkShift) / dataDisks;
    }

    /** Data index (0..D−1) of the chunk holding {@code arrayOffset} inside its stripe. */
    public int dataIndexOf(long arrayOffset) {
        return (int) ((arrayOffset >>> chunkShift) % dataDisks);
    }

    /** Member role holding the array byte at {@code arrayOffset}. */
    public int roleOf(long arrayOffset) {
        long c = arrayOffset >>> chunkShift;
        return dataRole(c / dataDisks, (int) (c % dataDisks));
    }

    /** Offset in its member's data area of the array byte at {@code arrayOffset}. */
    public long memberOffsetOf(long arrayOffset) {
        return (stripeOf(arrayOffset) << chunkShift) + (arrayOffset & (chunk - 1));
    }

    /** Bytes from {@code arrayOffset} to the end of its chunk. */
    public int bytesToChunkEnd(long arrayOffset) {
        return chunk - (int) (arrayOffset & (chunk - 1));
    }

    // ---- stripe -> places ----

    /** Member offset where stripe {@code stripe} starts on every member. */
    public long memberOffsetOfStripe(long stripe) {
        return stripe << chunkShift;
    }

    /** Array offset of data chunk {@code dataIndex} of stripe {@code stripe}. */
    public long arrayOffsetOf(long stripe, int dataIndex) {
        return (stripe * dataDisks + dataIndex) << chunkShift;
    }

    /** Role holding P in stripe {@code stripe}. */
    public int pRole(long stripe) {
        if (level == 4) {
            return dataDisks;
        }
        int n = disks;
        switch (algorithm) {
            case LEFT_ASYMMETRIC:
            case LEFT_SYMMETRIC:
            case DDF_N_CONTINUE:
                return n - 1 - (int) (stripe % n);
            case RIGHT_ASYMMETRIC:
            case RIGHT_SYMMETRIC:
            case DDF_ZERO_RESTART:
                return (int) (stripe % n);
            case DDF_N_RESTART:
                return n - 1 - (int) ((stripe + 1) % n);
            case PARITY_FIRST:
            case PARITY_FIRST_6:
                return 0;
            case PARITY_LAST:
                return dataDisks;
            case LEFT_ASYMMETRIC_6:
            case LEFT_SYMMETRIC_6:
                return n - 2 - (int) (stripe % (n - 1));
            case RIGHT_ASYMMETRIC_6:
            case RIGHT_SYMMETRIC_6:
                return (int) (stripe % (n - 1));
            default:
                throw new AssertionError(algorithm);
        }
    }

    /** Role holding Q in stripe {@code stripe}; −1 for raid4/5. */
    public int qRole(long stripe) {
        if (level != 6) {
            return -1;
        }
        return qRole(pRole(stripe));
    }

    private int qRole(int p) {
        int n = disks;
        switch (algorithm) {
            case PARITY_FIRST:
                return 1;
            case PARITY_LAST:
                return n - 1;
            case DDF_N_CONTINUE:
                return (p + n - 1) % n; // Q just before P
            case LEFT_ASYMMETRIC_6:
            case RIGHT_ASYMMETRIC_6:
            case LEFT_SYMMETRIC_6:
            case RIGHT_SYMMETRIC_6:
            case PARITY_FIRST_6:
                return n - 1;
            default:
                return p == n - 1 ? 0 : p + 1; // Q just after P, wrapping to the first disk
        }
    }

    /** Role holding data chunk {@code dataIndex} (0..D−1) of stripe {@code stripe}. */
    public int dataRole(long stripe, int dataIndex) {
        if (level == 4) {
            return dataIndex;
        }
        int n = disks;
        int p = pRole(stripe);
        int dd = dataIndex;
        if (level == 5) {
            switch (algorithm) {
                case LEFT_ASYMMETRIC:
                case RIGHT_ASYMMETRIC:
                    return dd >= p ? dd + 1 : dd;
                case LEFT_SYMMETRIC:
                case RIGHT_SYMMETRIC:
                    return (p + 1 + dd) % n;
                case PARITY_FIRST:
                    return dd + 1;
                case PARITY_LAST:
                    return dd;
                default:
                    throw new AssertionError(algorithm);
            }
        }
        switch (algorithm) {
            case LEFT_ASYMMETRIC:
            case RIGHT_ASYMMETRIC:
            case DDF_ZERO_RESTART:
            case DDF_N_RESTART:
                if (p == n - 1) {
                    return dd + 1; // Q wrapped to disk 0: data fills 1..n-2
                }
                return dd >= p ? dd + 2 : dd;
            case LEFT_SYMMETRIC:
            case RIGHT_SYMMETRIC:
                return (p + 2 + dd) % n;
            case DDF_N_CONTINUE:
                return (p + 1 + dd) % n;
            case PARITY_FIRST:
                return dd + 2;
            case PARITY_LAST:
                return dd;
            case LEFT_ASYMMETRIC_6:
            case RIGHT_ASYMMETRIC_6:
                return dd >= p ? dd + 1 : dd;
            case LEFT_SYMMETRIC_6:
            case RIGHT_SYMMETRIC_6:
                return (p + 1 + dd) % (n - 1);
            case PARITY_FIRST_6:
                return dd + 1;
            default:
                throw new AssertionError(algorithm);
        }
    }

    /** Data index held by {@code role} in stripe {@code stripe}, or −1 when the role holds P or Q. */
    public int dataIndexOfRole(long stripe, int role) {
        checkRole(role);
        int p = pRole(stripe);
        int q = qRole(stripe);
        if (role == p || role == q) {
            return -1;
        }
        int rotation = rotation();
        if (rotation > 0) {
            // Symmetric layouts: data index dd sits on (first data role + dd) mod rotation.
            return Math.floorMod(role - dataRole(stripe, 0), rotation);
        }
        // The others fill the roles in ascending order around P and Q.
        return role - (p < role ? 1 : 0) - (q >= 0 && q < role ? 1 : 0);
    }

    /** How many roles the data rotates over in symmetric layouts; 0 for the ascending ones. */
    private int rotation() {
        if (level == 4) {
            return 0;
        }
        switch (algorithm) {
            case LEFT_SYMMETRIC:
            case RIGHT_SYMMETRIC:
            case DDF_N_CONTINUE:
                return disks;
            case LEFT_SYMMETRIC_6:
            case RIGHT_SYMMETRIC_6:
                return disks - 1;
            default:
                return 0;
        }
    }

    // ---- the Q syndrome ----

    /**
     * Slots Q's Horner loop walks: D for most layouts, n for the DDF ones (whose P and Q roles
     * take a slot each that counts as zero). 0 for raid4/5.
     */
    public int syndromeSlots() {
        return level != 6 ? 0 : algorithm.ddf() ? disks : dataDisks;
    }

    /**
     * The syndrome slot of {@code role} in stripe {@code stripe}: Q = Σ g^slot · data. −1 when
     * the role holds P or Q, or the array is not raid6.
     */
    public int qSlot(long stripe, int role) {
        checkRole(role);
        if (level != 6) {
            return -1;
        }
        int n = disks;
        int p = pRole(stripe);
        int q = qRole(p);
        if (role == p || role == q) {
            return -1;
        }
        if (algorithm.ddf()) {
            return role; // DDF numbers every disk from 0, P and Q included
        }
        int d0 = q == n - 1 ? 0 : q + 1; // md walks the disks starting just after Q
        int j = (role - d0 + n) % n;
        int jp = (p - d0 + n) % n;
        int jq = (q - d0 + n) % n;
        return j - (jp < j ? 1 : 0) - (jq < j ? 1 : 0);
    }

    /**
     * The role in syndrome slot {@code slot} of stripe {@code stripe}, or −1 when that slot
     * holds no data (a DDF layout's P or Q slot). Inverse of {@link #qSlot}.
     */
    public int roleOfSlot(long stripe, int slot) {
        if (level != 6 || slot < 0 || slot >= syndromeSlots()) {
            throw new IllegalArgumentException("no syndrome slot " + slot + " in this layout");
        }
        int n = disks;
        int p = pRole(stripe);
        int q = qRole(p);
        if (algorithm.ddf()) {
            return slot == p || slot == q ? -1 : slot;
        }
        int d0 = q == n - 1 ? 0 : q + 1;
        int seen = 0;
        for (int j = 0; j < n; j++) {
            int role = (d0 + j) % n;
            if (role != p && role != q && seen++ == slot) {
                return role;
            }
        }
        throw new AssertionError("slot " + slot);
    }

    private void checkRole(int role) {
        if (role < 0 || role >= disks) {
            throw new IllegalArgumentException("role " + role + " outside 0.." + (disks - 1));
        }
    }

    @Override
    public String toString() {
        return "raid" + level + " " + algorithm.mdadmName() + " n=" + disks + " chunk=" + chunk + " stripes=" + stripes;
    }
}
