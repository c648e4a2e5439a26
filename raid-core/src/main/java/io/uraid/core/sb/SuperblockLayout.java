package io.uraid.core.sb;

/**
 * Where a new v1.2 member puts its metadata and data, chosen exactly as Debian's mdadm 4.2
 * does for {@code mdadm --create} with default options. All numbers are 512-byte sectors
 * unless named otherwise.
 *
 * <p>The rule, from mdadm-4.2 super1.c ({@code validate_geometry1}, {@code choose_bm_space},
 * {@code add_internal_bitmap1}, {@code write_init_super1}) and Create.c:
 * <ol>
 * <li>super_offset = 8 (4 KiB from the start: that is what "1.2" means).</li>
 * <li>bm_space(s) = 0 if s &lt; 128; 256 if s − 128 ≥ 200 GiB; 128 if s − 8 &gt; 8 GiB; else 8.</li>
 * <li>headroom starts at 128 MiB (262144) and halves while headroom·1024 &gt; device sectors
 *     and (no chunk, i.e. raid1/linear, or headroom/2 ≥ 2·chunk sectors): about 0.1 % of
 *     the device, at least two chunks for striped levels.</li>
 * <li>data_offset = round_up(24 + bm_space(first device) + headroom, 2048) — whole MiB. It is
 *     chosen from the first listed device and used on every member; bitmap or not does not
 *     change it. A 10 MiB raid0 member gets 4096 (the interop image), a 64 MiB raid1 member
 *     2048, a 64 MiB raid10 (chunk 512K) member 4096, a 1 TiB member 264192.</li>
 * <li>data_size = device − data_offset (per member). size (used per device) = smallest
 *     (device − data_offset)/2 KiB, rounded down to the chunk, raid1 also to 64 KiB, ×2;
 *     mdadm writes 0 for raid0 and linear.</li>
 * <li>Internal bitmap at +8 sectors from the superblock, used when asked or, as mdadm does,
 *     for level ≥ 1 arrays over 100 GiB per device. Its chunk: the smallest power of two
 *     ≥ 4 KiB whose bitmap fits in min(bm_space(size), 128 KiB), but at least 64 MiB.</li>
 * <li>Bad-block log: 8 sectors (512 entries) right after the bitmap, or at 8 + bm_space(size)
 *     without one, when that still ends before data_offset; else just before the data.</li>
 * </ol>
 * mdadm leaves the bad-block log empty (feature bit 8 clear); the kernel fills it when it
 * meets bad sectors. uraid reserves it the same way so members look like mdadm's.
 *
 * @param superOffset      sectors from the device start to the superblock (8)
 * @param dataOffset       sectors from the device start to the data
 * @param size             sb->size: sectors of each member used by the array
 * @param chunkSectors     sb->chunksize
 * @param layout           sb->layout as asked (see {@link #defaultLayout(int)})
 * @param featureMap       feature bits the layout implies: bitmap, raid0 layout for unequal members
 * @param bitmapOffset     sectors from the superblock to the bitmap, 0 for none
 * @param bitmapChunkBytes bitmap chunk, 0 for none
 * @param bitmapSyncSize   sectors the bitmap covers, 0 for none
 * @param bitmapSectors    sectors reserved for bitmap superblock and bits, 0 for none
 * @param bblogOffset      sectors from the superblock to the bad-block log, 0 for none
 * @param bblogSize        sectors of the bad-block log (8), 0 for none
 * @param pplOffset        sectors from the superblock to raid5's partial parity log, 0 for none
 * @param pplSize          sectors of the partial parity log area, 0 for none
 */
public record SuperblockLayout(long superOffset, long dataOffset, long size, int chunkSectors,
                               int layout, int featureMap, int bitmapOffset, int bitmapChunkBytes, long bitmapSyncSize, int bitmapSectors,
                               int bblogOffset, int bblogSize, int pplOffset, int pplSize) {

    /** Whether to give the array an internal write-intent bitmap. */
    public enum Bitmap {
        /** No bitmap. */
        NONE,
        /** Internal bitmap. */
        INTERNAL,
        /** mdadm's default: internal for level ≥ 1 when each member holds more than 100 GiB. */
        AUTO,
        /**
         * No bitmap: the area after the superblock holds raid5's partial parity log instead
         * ({@code mdadm --consistency-policy=ppl}: 1 MiB at +8 sectors, feature bit 1024).
         */
        PPL
    }

    /** Sectors mdadm gives the partial parity log of a 1.1/1.2 member (MULTIPLE_PPL_AREA_SIZE_SUPER1). */
    public static final int PPL_SECTORS = 2048;

    /** The 1.2 superblock position. */
    public static final long SUPER_OFFSET_1_2 = 8;
    /** mdadm's default internal bitmap chunk (64 MiB). */
    public static final int DEFAULT_BITMAP_CHUNK = 64 << 20;
    /** mdadm's default bitmap daemon sleep, seconds. */
    public static final int DEFAULT_BITMAP_DELAY = 5;

    private static final long ONE_MEG = 2048;

    /**
     * The layout mdadm 4.2 gives a new array.
     *
     * @param level         md level (-1 linear, 0, 1, 4, 5, 6, 10)
     * @param layout        md layout word, normally {@link #defaultLayout(int)} (raid10 copies size the bitmap)
     * @param raidDisks     raid devices
     * @param chunkKiB      chunk in KiB; 0 means mdadm's default (512 for striped levels, none otherwise)
     * @param bitmap        bitmap choice
     * @param badBlockLog   reserve a bad-block log as mdadm does by default
     * @param memberSectors sizes of the members given, in sectors; the first fixes data_offset
     * @throws IllegalArgumentException when a member cannot hold the metadata, or a bitmap is
     *                                  asked for a level without redundancy or a too small array
     */
    public static SuperblockLayout forCreate(int level, int layout, int raidDisks, int chunkKiB, Bitmap bitmap,
                                             boolean badBlockLog, long... memberSectors) {
        return forCreate(level, layout, raidDisks, chunkKiB, bitmap, 0, badBlockLog, memberSectors);
    }

    /**
     * {@link #forCreate(int, int, int, int, Bitmap, boolean, long...)} with a bitmap chunk asked
     * for ({@code mdadm --bitmap-chunk}); 0 = mdadm's default. The bitmap must then fit before
     * the data.
     */
    public static SuperblockLayout forCreate(int level, int layout, int raidDisks, int chunkKiB, Bitmap bitmap,
                                             int bitmapChunkBytes, boolean badBlockLog, long... memberSectors) {
        if (memberSectors.length == 0) {
            throw new IllegalArgumentException("no member sizes given");
        }
        int chunk = chunkKiB != 0 ? chunkKiB : defaultChunkKiB(level);
        boolean ppl = bitmap == Bitmap.PPL;
        if (ppl && level != 5) {
            throw new IllegalArgumentException("the partial parity log (consistency policy ppl) is for raid5 only");
        }
        long dataOffset = dataOffset(memberSectors[0], chunk,
                ppl ? PPL_SECTORS : chooseBitmapSpace(memberSectors[0]));
        long size = 0;
        if (level > 0) {
            long minKiB = Long.MAX_VALUE;
            for (long dev : memberSectors) {
                if (dev < dataOffset + 2) {
                    throw new IllegalArgumentException("member of " + dev + " sectors cannot hold data offset " + dataOffset);
                }
                long kib = (dev - dataOffset) / 2;
                minKiB = Math.min(minKiB, chunk > 0 ? kib & ~(long) (chunk - 1) : kib);
            }
            if (level == 1) {
                minKiB &= ~63L; // mdadm keeps raid1 reshapable to raid5 by rounding to 64 KiB
            }
            size = minKiB * 2;
        }
        boolean withBitmap = bitmap == Bitmap.INTERNAL || (bitmap == Bitmap.AUTO && level >= 1 && size / 2 > 100L << 20);
        if (withBitmap && level < 1) {
            throw new IllegalArgumentException("bitmaps are not meaningful with level " + level);
        }
        int bmOffset = 8;
        long bmSpace;
        int bitmapChunk = 0;
        long syncSize = 0;
        if (withBitmap) {
            syncSize = bitmapSyncSize(level, layout, raidDisks, size);
            if (bitmapChunkBytes != 0) {
                if (Integer.bitCount(bitmapChunkBytes) != 1 || bitmapChunkBytes < 4096) {
                    throw new IllegalArgumentException("bitmap chunk must be a power of two of at least 4 KiB: "
                            + bitmapChunkBytes);
                }
                bitmapChunk = bitmapChunkBytes;
            } else {
                bitmapChunk = defaultBitmapChunk(size, syncSize);
            }
            bmSpace = BitmapSuperblock.onDiskBytes(syncSize, bitmapChunk, 4096) / 512;
            if (SUPER_OFFSET_1_2 + bmOffset + bmSpace > dataOffset) {
                throw new IllegalArgumentException("a bitmap of " + bitmapChunk + "-byte chunks does not fit before "
                        + "the data; choose a larger bitmap chunk");
            }
        } else if (ppl) {
            bmSpace = PPL_SECTORS; // the bad-block log goes after the log, as mdadm puts it
        } else {
            bmSpace = chooseBitmapSpace(size);
        }
        int bbOffset = 0;
        int bbSize = 0;
        if (badBlockLog) {
            if (dataOffset >= SUPER_OFFSET_1_2 + bmOffset + bmSpace + 8) {
                bbOffset = (int) (bmOffset + bmSpace);
                bbSize = 8;
            } else if (dataOffset >= SUPER_OFFSET_1_2 + 16) {
                bbOffset = (int) (dataOffset - 8 - SUPER_OFFSET_1_2);
                bbSize = 8;
            }
        }
        int features = withBitmap ? MdConstants.FEATURE_BITMAP_OFFSET : ppl ? MdConstants.FEATURE_PPL : 0;
        if (level == 0 && layout != 0 && chunk > 0) {
            // write_init_super1: raid0 records its layout only when members hold different chunk counts.
            long first = (memberSectors[0] - dataOffset) / (chunk * 2L);
            for (long dev : memberSectors) {
                if ((dev - dataOffset) / (chunk * 2L) != first) {
                    features |= MdConstants.FEATURE_RAID0_LAYOUT;
                }
            }
        }
        return new SuperblockLayout(SUPER_OFFSET_1_2, dataOffset, size, chunk * 2, layout, features,
                withBitmap ? bmOffset : 0, bitmapChunk, syncSize, withBitmap ? (int) bmSpace : 0, bbOffset, bbSize,
                ppl ? bmOffset : 0, ppl ? PPL_SECTORS : 0);
    }

    /** mdadm 4.2's default layout: raid0 1 (original), raid10 0x102 (n2), raid5/6 2 (left-symmetric), else 0. */
    public static int defaultLayout(int level) {
        return switch (level) {
            case 0 -> 1;
            case 10 -> 0x102;
            case 5, 6 -> 2;
            default -> 0;
        };
    }

    /** mdadm's default chunk: 512 KiB for raid0/4/5/6/10, none for raid1 and linear. */
    public static int defaultChunkKiB(int level) {
        return switch (level) {
            case 0, 4, 5, 6, 10 -> 512;
            default -> 0;
        };
    }

    /** choose_bm_space: sectors kept for a bitmap on a device (or array part) of {@code sectors}. */
    public static long chooseBitmapSpace(long sectors) {
        if (sectors < 64 * 2) {
            return 0;
        }
        if (sectors - 64 * 2 >= 200L * 1024 * 1024 * 2) {
            return 128 * 2;
        }
        if (sectors - 4 * 2 > 8L * 1024 * 1024 * 2) {
            return 64 * 2;
        }
        return 4 * 2;
    }

    /** Reshape headroom mdadm leaves before the data (sectors) on a device of {@code devSectors}. */
    public static long headroom(long devSectors, int chunkKiB) {
        long headroom = 128L * 1024 * 2;
        while ((headroom << 10) > devSectors && (chunkKiB == 0 || headroom / 2 >= (long) chunkKiB * 2 * 2)) {
            headroom >>= 1;
        }
        return headroom;
    }

    /** Default v1.2 data_offset for a first member of {@code devSectors} (chunkKiB 0 for raid1/linear). */
    public static long defaultDataOffset(long devSectors, int chunkKiB) {
        return dataOffset(devSectors, chunkKiB, chooseBitmapSpace(devSectors));
    }

    /** validate_geometry1: 12 KiB of metadata, then the bitmap or PPL space, then headroom, in whole MiB. */
    private static long dataOffset(long devSectors, int chunkKiB, long bitmapOrPplSectors) {
        long raw = 12 * 2 + bitmapOrPplSectors + headroom(devSectors, chunkKiB);
        return (raw + ONE_MEG - 1) / ONE_MEG * ONE_MEG;
    }

    /** Sectors the bitmap covers: the array size for raid10, one member's size otherwise (Create.c). */
    public static long bitmapSyncSize(int level, int layout, int raidDisks, long sizeSectors) {
        if (level == 10) {
            long copies = (long) ((layout >> 8) & 255) * (layout & 255);
            return sizeSectors / 2 * raidDisks / copies * 2;
        }
        return sizeSectors;
    }

    /**
     * add_internal_bitmap1 with no chunk asked for: the bitmap must fit in
     * min(bm_space(size), 256) sectors less its 256-byte header; start at 4 KiB per bit and
     * double until it fits, then take at least 64 MiB.
     */
    public static int defaultBitmapChunk(long sizeSectors, long syncSectors) {
        long room = Math.min(chooseBitmapSpace(sizeSectors), 128 * 2);
        if (room <= 1) {
            throw new IllegalArgumentException("array too small for an internal bitmap");
        }
        long maxBits = (room * 512 - BitmapSuperblock.BYTES) * 8;
        long minChunk = 4096;
        long bits = syncSectors * 512 / minChunk + 1;
        while (bits > maxBits) {
            minChunk *= 2;
            bits = (bits + 1) / 2;
        }
        return (int) Math.max(minChunk, DEFAULT_BITMAP_CHUNK);
    }

    /** True when the layout has an internal bitmap. */
    public boolean hasBitmap() {
        return bitmapOffset != 0;
    }

    /** True when the layout has raid5's partial parity log. */
    public boolean hasPpl() {
        return pplSize != 0;
    }

    /** data_size of a member of {@code memberSectors}. */
    public long dataSize(long memberSectors) {
        return memberSectors - dataOffset;
    }

    /**
     * Writes the placement fields into a superblock builder for one member: offsets, sizes,
     * chunk, layout, bitmap offset, feature bits (this layout's plus {@code extraFeatures}),
     * bad-block log.
     */
    public MdSuperblock.Builder applyTo(MdSuperblock.Builder b, long memberSectors, int extraFeatures) {
        b.superOffset(superOffset).dataOffset(dataOffset).dataSize(dataSize(memberSectors)).size(size)
                .chunkSize(chunkSectors).layout(layout).bitmapOffset(bitmapOffset).featureMap(featureMap | extraFeatures)
                .badBlockLog(0, bblogSize, bblogOffset);
        if (hasPpl()) {
            b.ppl(pplOffset, pplSize); // shares bitmap_offset's four bytes
        }
        return b;
    }

    /** The bitmap superblock mdadm writes for this layout (events 0, all bits then set to 1 on disk). */
    public BitmapSuperblock bitmapSuperblock(byte[] arrayUuid) {
        if (!hasBitmap()) {
            throw new IllegalStateException("layout has no bitmap");
        }
        return BitmapSuperblock.builder().uuid(arrayUuid).chunkSize(bitmapChunkBytes)
                .daemonSleep(DEFAULT_BITMAP_DELAY).syncSize(bitmapSyncSize).build();
    }
}
